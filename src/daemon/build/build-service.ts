// One build from request to tagged image: the context (the body, or a remote URL), the
// builder (src/build/builder) with a BuildHost made for this build, and the context's files
// removed afterwards whatever happened. Dockerfile errors are 400s that name the file and line.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BuildBackend, BuildRequest } from '../../api/routers/build.ts';
import type { BuildHost } from '../../build/host.ts';
import type { BuildOutput } from '../../build/options.ts';
import type { Logger } from '../../lib/logger.ts';
import { build } from '../../build/builder/index.ts';
import { receiveContext, remoteContext } from '../../build/context/index.ts';
import { DockerfileError } from '../../build/dockerfile/types.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { familiarString, parseReference } from '../../image/reference.ts';
import { logFailure } from '../../lib/log-failure.ts';

export interface BuildServiceDeps {
  /** Where contexts are extracted: <data-root>/build, emptied at startup (a killed build's). */
  scratchDir: string;
  /** `stepsDir`: where the host notes the build's RUN containers (orphan-steps.ts). */
  hostFor(req: BuildRequest, stepsDir: string): BuildHost;
  logger: Logger;
}

export class BuildService implements BuildBackend {
  readonly #deps: BuildServiceDeps;
  constructor(deps: BuildServiceDeps) {
    this.#deps = deps;
    rmSync(deps.scratchDir, { recursive: true, force: true });
    mkdirSync(deps.scratchDir, { recursive: true, mode: 0o700 });
  }

  async build(body: Readable, req: BuildRequest, out: BuildOutput, signal: AbortSignal): Promise<string> {
    const tags = req.tags.map(normaliseTag);
    const where = { dockerfile: req.dockerfile, scratchDir: this.#deps.scratchDir, signal };
    const ctx = req.remote ? await remoteContext(req.remote, where) : await receiveContext(body, where);
    const stepsDir = mkdtempSync(join(this.#deps.scratchDir, 'steps-'));
    try {
      const { imageId } = await build(ctx, { ...req, tags }, this.#deps.hostFor(req, stepsDir), out, signal, { scratchDir: this.#deps.scratchDir });
      return imageId;
    } catch (err) {
      if (err instanceof DockerfileError) {
        // Named by file and line when it has one ("failed to reach build target" has none).
        const named = invalidParameter(err.line === undefined ? err.message : `${ctx.dockerfile.name}:${err.line}: ${err.message}`);
        // A failed RUN's exit code travels as errorDetail.code (the docker CLI exits with it).
        const code = (err as { exitCode?: unknown }).exitCode;
        throw typeof code === 'number' ? Object.assign(named, { exitCode: code }) : named;
      }
      throw err;
    } finally {
      rmSync(stepsDir, { recursive: true, force: true });
      await ctx.dispose().catch(logFailure(this.#deps.logger, 'removal of a build context', { level: 'warn' }));
    }
  }
}

/** A tag as `docker build -t` takes it: a name with an optional tag, never a digest. */
function normaliseTag(t: string): string {
  const ref = parseReference(t);
  if (ref.digest) throw invalidParameter(`invalid reference format: ${t} (a build cannot be tagged with a digest)`);
  return familiarString({ ...ref, tag: ref.tag ?? 'latest' });
}

// The build backend berthd serves /build with, loaded at the first build: the builder, the
// Dockerfile parser, the context readers and the build host (with its registry access) are
// half of what berthd would otherwise compile at start and hold while idle (issue 12).
// The scratch directory is still emptied at start, so what a killed build left goes then.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BuildBackend, BuildRequest } from '../../api/routers/build.ts';
import type { BuildOutput } from '../../build/options.ts';
import type { Logger } from '../../lib/logger.ts';
import type { BuildHostDeps } from './build-host.ts';

export const BUILD_SCRATCH = (dataRoot: string): string => join(dataRoot, 'build');

export function lazyBuild(o: { scratchDir: string; hostDeps: BuildHostDeps; logger: Logger }): BuildBackend {
  rmSync(o.scratchDir, { recursive: true, force: true });
  mkdirSync(o.scratchDir, { recursive: true, mode: 0o700 });
  let service: Promise<BuildBackend> | undefined;
  const load = async (): Promise<BuildBackend> => {
    const [{ BuildService }, { DaemonBuildHost }, { registriesAuth }] = await Promise.all([
      import('./build-service.ts'), import('./build-host.ts'), import('./registry-config.ts'),
    ]);
    // Its constructor empties the scratch directory again: no build has run before this one.
    return new BuildService({
      scratchDir: o.scratchDir,
      hostFor: (req, stepsDir) => new DaemonBuildHost(o.hostDeps, { authFor: registriesAuth(req.authConfigs), stepsDir, ...(req.allowImage && { allowImage: req.allowImage }), ...(req.allowRun && { allowRun: req.allowRun }) }),
      logger: o.logger,
    });
  };
  return {
    async build(body: Readable, req: BuildRequest, out: BuildOutput, signal: AbortSignal): Promise<string> {
      // A failed load is not kept: the next build tries again.
      service ??= load().catch((err: unknown) => {
        service = undefined;
        throw err;
      });
      return (await service).build(body, req, out, signal);
    },
  };
}

// The builder: `build` runs one Dockerfile build against a BuildHost (see build.ts for the
// order of things, stages.ts for concurrency, cache.ts for the cache rule).
import type { BuildContext } from '../context/types.ts';
import type { BuildHost } from '../host.ts';
import type { BuildOptions, BuildOutput } from '../options.ts';
import { runBuild } from './build.ts';
import { frontend } from './frontend.ts';

/** `where.scratchDir`: where the build's own files go (ADD's downloads, heredoc sources); the
 * daemon's <data-root>/build, emptied at startup, so a killed build leaves nothing for long.
 * Throws DockerfileError (with the line; CommandFailedError carries the RUN's exit `code`),
 * BerthError, or BuildCancelledError when `signal` aborts. */
export function build(ctx: BuildContext, opts: BuildOptions, host: BuildHost, out: BuildOutput, signal: AbortSignal, where: { scratchDir?: string } = {}): Promise<{ imageId: string }> {
  return runBuild(frontend, ctx, opts, host, out, signal, where);
}

export { CommandFailedError } from './run-step.ts';
export { StepError } from './dispatch.ts';
export { BuildCancelledError } from './errors.ts';

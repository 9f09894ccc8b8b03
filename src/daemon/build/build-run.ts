// A build's RUN step as `docker run` does it: the container is created by the container
// service (a real container, listed by `ps -a` while it exists, as dockerd's intermediate
// containers), attached to as the API's attach does it (its output followed from conmon's log),
// waited for and started by the lifecycle — so networks, volumes and limits go through the same
// attachments as any run. An abort kills it (the step then returns its exit, 137), and the
// builder removes it (removeContainer) as after any step; a start that fails removes it here
// unless the builder learnt its id (RunHooks.created) and so removes it itself.
//
// The order is docker run's: attach and wait first (both wait for the run that starts next),
// then start, so no output and no exit can slip past between the start and the reading.
import type { ContainerConfig } from '../../image/types.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';
import type { ContainerService } from '../containers/container-service.ts';
import type { Lifecycle } from '../containers/lifecycle.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RunHooks } from '../../build/host.ts';
import { lifecycleBackend } from '../containers/lifecycle-backend.ts';
import { alreadyEnded, logFailure } from '../../lib/log-failure.ts';

export interface RunDeps {
  containers: ContainerService;
  lifecycle: Lifecycle;
  logger: Logger;
}

export async function runStep(
  d: RunDeps, image: string, config: ContainerConfig, hostConfig: HostConfig,
  output: (chunk: Buffer) => void, signal: AbortSignal, hooks: RunHooks = {}, name?: string,
): Promise<{ containerId: string; exitCode: number }> {
  signal.throwIfAborted();
  const { Id } = await d.containers.create({ ...config, Image: image, HostConfig: hostConfig, AttachStdout: true, AttachStderr: true }, name);
  hooks.created?.(Id);
  const reading = new AbortController();
  const attached = await lifecycleBackend(d.lifecycle).attach(Id, { stdin: false, stdout: true, stderr: true, logs: false, stream: true, signal: reading.signal });
  // Started now, before the start: its first step waits for the next run (lifecycle-backend's follow).
  const pumping = pump(attached.lines, output);
  const exit = d.lifecycle.wait(Id, 'next-exit');
  // Awaited below on the usual paths; an early abort (or a failed wait) leaves one unawaited, so
  // each failure is also logged here rather than becoming an unhandled rejection.
  pumping.catch(logFailure(d.logger, 'reading a build step\'s output', { fields: { container: Id } }));
  exit.catch(logFailure(d.logger, 'waiting for a build step', { fields: { container: Id } }));
  const kill = () => void d.lifecycle.kill(Id).catch(logFailure(d.logger, 'kill of an aborted build step', { fields: { container: Id }, expected: alreadyEnded }));
  signal.addEventListener('abort', kill, { once: true });
  try {
    // Aborted while it was being made: never started (its wait ends with its removal).
    if (signal.aborted) return { containerId: Id, exitCode: 137 };
    try {
      await d.lifecycle.start(Id);
    } catch (err) {
      reading.abort();
      await Promise.allSettled([pumping, exit]);
      if (!hooks.created) await d.lifecycle.removeContainer(d.containers.resolve(Id), { force: true, removeVolumes: true }).catch(logFailure(d.logger, 'removal of a build step that did not start', { fields: { container: Id }, level: 'warn' }));
      throw err;
    }
    const { StatusCode } = await exit;
    await pumping;
    // Aborted: killed, and handed back like any failed step, for the builder to remove.
    return { containerId: Id, exitCode: StatusCode };
  } finally {
    signal.removeEventListener('abort', kill);
    reading.abort();
  }
}

async function pump(lines: AsyncIterable<{ line: Buffer }[]>, output: (chunk: Buffer) => void): Promise<void> {
  for await (const batch of lines) for (const l of batch) output(l.line);
}

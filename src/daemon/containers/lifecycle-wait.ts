// POST /containers/{id}/wait: not-running (default), next-exit, or removed.
//
// Invariants:
// - Needs no lock: it only watches runs (lifecycle-exits.ts) and the run tracker.
// - Asked before the start (docker run: attach and wait, then start), it waits for the run that
//   starts next; a failed start ends that wait with the recorded exit code.
import { type ContainerRow, isActive } from '../../store/containers.ts';
import type { LifecycleParts } from './lifecycle-parts.ts';

export interface WaitResult {
  StatusCode: number;
  Error: null;
}

export async function waitFor(p: LifecycleParts, c: ContainerRow, condition: string): Promise<WaitResult> {
  const running = isActive(c.status);
  const next = () => p.tracker.nextRun(c.id, p.tracker.generation(c.id));
  if (condition === 'removed') {
    const removed = p.tracker.removal(c.id);
    const run = running ? { exit: p.exits.watch(c.id).recorded.promise } : await next();
    const exit = run ? await run.exit : { exitCode: c.exitCode };
    await removed;
    return { StatusCode: exit.exitCode, Error: null };
  }
  if (!running && condition === 'not-running') return { StatusCode: c.exitCode, Error: null };
  if (running) return { StatusCode: (await p.exits.watch(c.id).recorded.promise).exitCode, Error: null };
  // next-exit on a container not started yet: the exit of the run that starts next.
  const run = await next();
  const exit = run ? await run.exit : { exitCode: p.deps.svc.deps.table.get(c.id)?.exitCode ?? 0 };
  return { StatusCode: exit.exitCode, Error: null };
}

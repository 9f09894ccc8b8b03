// Restore, after a berthd restart (live-restore): containers whose conmon still runs are adopted,
// exits while the daemon was down recorded, and what the last daemon left half done finished.
//
// Invariants:
// - Runs before the API is served; each step on a container that changes its status (an exit
//   recorded, a removal finished) still takes its lock, as everywhere else.
// - runc state without a running row (a start that crashed half way, a prepared start the last
//   daemon never used) is ended, so the next start of that container does not fail.
// - A copy's freeze the last daemon left is thawed: nobody else will.
// - Attachments: `adopt` for every container that still runs; `tearDown` for every other one
//   (once: a container ended or recorded here was torn down by that), which also retries the
//   tearDowns that failed in the last daemon. Before the restart policies start anything.
import type { ContainerRow } from '../../store/containers.ts';
import { alreadyEnded, logFailure } from '../../lib/log-failure.ts';
import { autoRemoves, failed, type LifecycleParts } from './lifecycle-parts.ts';

export async function restore(p: LifecycleParts): Promise<void> {
  const { svc, attachments } = p.deps;
  const table = svc.deps.table;
  // Rows that were not running when the daemon went away; the policy may start them below.
  const stopped = table.all().filter((c) => c.status === 'exited' || c.status === 'restarting');
  /** Containers whose attachments were torn down on the way (an end, an exit, a removal). */
  const done = new Set<string>();
  await endRuntimeLeftovers(p, done);
  // Removals the last daemon did not finish (killed between their steps): done now, so no
  // container is seen without its layer.
  for (const c of table.all().filter((r) => r.status === 'removing')) {
    done.add(c.id);
    await p.mutex.run(c.id, () => p.removal.removeHeld(c, { removeVolumes: autoRemoves(c) })).catch(logFailure(p.deps.logger, 'finishing a removal at restore', { fields: { container: c.id }, level: 'warn' }));
  }
  for (const c of table.all()) {
    if (c.status !== 'running' && c.status !== 'paused') continue;
    if (c.conmonPid && (await p.deps.conmon.isAlive(c.conmonPid, c.id))) {
      void p.deps.logs.adopt(c, c.conmonPid, p.exits.watch(c.id).recorded.promise);
      await attachments.adopt(c);
      continue;
    }
    done.add(c.id);
    const exit = (await p.deps.conmon.exitStatus(c.id)) ?? { exitCode: 255, finishedAt: new Date().toISOString() };
    await p.mutex.run(c.id, () => p.exits.onExitHeld(c.id, exit)).catch(logFailure(p.deps.logger, 'recording an exit at restore', { fields: { container: c.id }, level: 'warn' }));
  }
  for (const c of table.all()) {
    if (c.status !== 'running' && c.status !== 'paused' && !done.has(c.id)) await attachments.tearDown(c);
  }
  await p.restarts.startAll(stopped);
}

/** What the runtime still holds of containers that do not run: ended, deleted, or thawed. */
async function endRuntimeLeftovers(p: LifecycleParts, done: Set<string>): Promise<void> {
  const { svc, runtime } = p.deps;
  const table = svc.deps.table;
  const states = await runtime.list().catch(logFailure(p.deps.logger, 'runc list at restore (leftovers stay)', { value: [], level: 'warn' }));
  const listed = new Set(states.map((s) => s.id));
  // Prepared or started by the last daemon, whose runc create had not finished when it went.
  for (const row of table.all().filter((r) => r.status === 'created' && !listed.has(r.id))) {
    if (await p.runtime.endLeftover(row).catch(failed(p, 'ending a create left by the last daemon', row.id))) done.add(row.id);
  }
  for (const state of states) {
    const row: ContainerRow | undefined = table.get(state.id);
    // Prepared for a start that the last daemon never saw: its process waits on the FIFO.
    if (row?.status === 'created') {
      done.add(row.id);
      await p.runtime.end(row, { key: '', pid: 0, conmonPid: p.runtime.conmonPidOf(row.id), additions: {} }, true);
    } else if (!row || (row.status !== 'running' && row.status !== 'paused')) await runtime.delete(state.id, true).catch(failed(p, 'runc delete of a leftover at restore', state.id));
    // Frozen for a copy when the last daemon went away: nobody will thaw it but us.
    else if (row.status === 'running' && state.status === 'paused') await runtime.resume(state.id).catch(failed(p, 'runc resume of a copy\'s freeze at restore', state.id, alreadyEnded));
  }
}

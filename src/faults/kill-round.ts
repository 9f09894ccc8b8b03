// One round of a SIGKILL loop (kill-loop.ts, service-loop.ts): clients work until berthd is
// killed at the moment the loop chose, their requests end with the daemon, and berthd is
// started again on the same directories.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultDaemon } from './fault-daemon.ts';

/** Why berthd did not come back, or undefined once it is up again. */
export async function killRound(fd: FaultDaemon, clients: number, killAfterMs: number, step: (killed: () => boolean) => Promise<void>): Promise<string | undefined> {
  let killed = false;
  const isKilled = () => killed;
  const worker = async () => {
    while (!killed) await step(isKilled);
  };
  const workers = Array.from({ length: clients }, worker);
  await sleep(killAfterMs);
  killed = true;
  await fd.kill();
  await Promise.all(workers);
  try {
    await fd.start();
    return undefined;
  } catch (err) {
    return `berthd did not come back: ${(err as Error).message.slice(-1500)}`;
  }
}

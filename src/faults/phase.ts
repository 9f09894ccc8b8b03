// What every phase of test-faults shares: its daemon's teardown whatever happens, the daemon's
// logs kept when there are findings, and an error that stops the phase turned into a finding
// (with its stack) instead of ending the run — the next phase still runs, and the report lists it.
import type { FaultDaemon } from './fault-daemon.ts';
import type { Tally } from './stats.ts';

export interface PhaseIo {
  say: (line: string) => void;
  printTally: (t: Tally) => void;
  settle: (check: () => Promise<string[]>, ms: number) => Promise<string[]>;
  /** Where a daemon's logs go when there are findings. */
  keepLog: (fd: FaultDaemon) => void;
}

export interface PhaseOptions {
  /** After the teardown (a registry of the phase's own, …). */
  after?: () => Promise<void>;
  /** Which teardown notes to print (default all: each is something the checks missed). */
  showNote?: (note: string) => boolean;
}

/** Runs `body`, which pushes its findings as it goes; returns them, with "<name> stopped by: …"
 * when it threw. The phase's time is said at the end. */
export async function runPhase(name: string, fd: FaultDaemon, io: PhaseIo, body: (findings: string[]) => Promise<void>, o: PhaseOptions = {}): Promise<string[]> {
  const findings: string[] = [];
  const t0 = performance.now();
  try {
    await body(findings);
  } catch (err) {
    findings.push(`${name} stopped by: ${(err as Error).stack ?? err}`);
  } finally {
    if (findings.length) io.keepLog(fd);
    for (const note of await fd.teardown()) if (o.showNote?.(note) ?? true) io.say(`teardown: ${note}`);
    await o.after?.();
    io.say(`${name}: ${Math.round((performance.now() - t0) / 1000)} s, ${findings.length} findings`);
  }
  return findings;
}

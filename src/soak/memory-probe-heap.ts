// Part of the soak's memory probe (memory-probe.ts, loaded into the soak's berthd only): V8's heap
// right after its full collections, by space, and heap snapshots on request.
// --trace-gc's "heap after Mark-Compact" counts every space, compiled code and bytecode included:
// in the 30-minute soak it rose 18 → 23 MiB while code space grew 4.8 → 9 MiB committed, so one
// figure cannot tell V8 compiling more of berthd (bounded: the code paths are finite) from objects
// berthd keeps (a leak). GCProfiler records every collection's per-space figures; the lowest
// full collection of the window gives both apart.
import { GCProfiler, writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';

export const SNAPSHOT_MARK = 'berth-soak-snapshot ';

export interface HeapAfterFullGc {
  fullGcs: number;
  /** V8's heap in use after the window's lowest full collection, kB: all spaces. */
  usedKb: number;
  /** Of it: machine code (code and code large-object spaces). */
  codeKb: number;
  /** Trusted spaces: bytecode arrays and code metadata (V8 moved them out of old space). */
  trustedKb: number;
  /** Everything else: berthd's objects (old, new, large-object spaces). What a leak raises. */
  restKb: number;
}

let profiler = new GCProfiler();
profiler.start();

/** The lowest full collection since the last call (undefined if none ran), and a new window. */
export function heapAfterFullGc(): HeapAfterFullGc | undefined {
  const { statistics } = profiler.stop() ?? { statistics: [] };
  profiler = new GCProfiler();
  profiler.start();
  const full = statistics.filter((s) => s.gcType === 'MarkSweepCompact');
  if (!full.length) return undefined;
  const low = full.reduce((a, b) => (b.afterGC.heapStatistics.usedHeapSize < a.afterGC.heapStatistics.usedHeapSize ? b : a));
  const used = (names: string[]) => low.afterGC.heapSpaceStatistics.filter((s) => names.includes(s.spaceName)).reduce((n, s) => n + s.spaceUsedSize, 0);
  const kb = (n: number) => Math.round(n / 1024);
  const usedKb = kb(low.afterGC.heapStatistics.usedHeapSize);
  const codeKb = kb(used(['code_space', 'code_large_object_space']));
  const trustedKb = kb(used(['trusted_space', 'trusted_large_object_space']));
  return { fullGcs: full.length, usedKb, codeKb, trustedKb, restKb: usedKb - codeKb - trustedKb };
}

/** SIGPWR with BERTH_SOAK_SNAPSHOT_DIR set: a heap snapshot there (berthd stops for the seconds
 * it takes), then a line naming it on stderr. Objects counted by constructor between two such
 * snapshots say what berthd keeps (heap-diff.ts). */
export function snapshotsOnSignal(): void {
  const dir = process.env.BERTH_SOAK_SNAPSHOT_DIR;
  if (!dir) return;
  process.on('SIGPWR', () => {
    const t0 = Date.now();
    const file = writeHeapSnapshot(join(dir, `berthd-${process.pid}-${t0}.heapsnapshot`));
    process.stderr.write(`${SNAPSHOT_MARK}${JSON.stringify({ file, ms: Date.now() - t0 })}\n`);
  });
}

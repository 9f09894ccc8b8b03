// The soak's verdict from its per-minute samples: memory (verdict-memory.ts: leaks by the thirds'
// medians of V8's heap without code, malloc in use and fds; RSS and PSS flat at the end), list
// latency (GET /containers/json?all=1 from latency-probe.ts's own process: p99 < 50 ms), no
// unexpected error.
import { percentile } from '../faults/stats.ts';
import { flat, flatAtEnd } from './verdict-memory.ts';

export { flat, flatAtEnd } from './verdict-memory.ts';

export interface Sample {
  minute: number;
  /** kB, from /proc/<pid>/smaps_rollup. */
  rssKb: number;
  pssKb: number;
  /** berthd's V8 heap right after its last full collection (--trace-gc), kB; NaN before one. */
  heapKb: number;
  /** Full collections in the minute (0: heapKb is the previous minute's figure). */
  fullGcs: number;
  fds: number;
  containers: number;
  images: number;
  networks: number;
  volumes: number;
  ops: number;
  errors: Record<string, number>;
  /** GET /containers/json?all=1 round trips of the minute, ms: from latency-probe.ts's own
   * process (in runs before it: the clients' lists, timed in the soak's busy process). */
  listCount: number;
  listP50: number;
  listP99: number;
  listMs: number[];
  /** Operations of the minute by family (containers, images, networks, …). */
  opsByFamily: Record<string, number>;
  /** The soak process's own event-loop delay p99 over the minute, ms (see sampler.ts). */
  clientLoopP99: number;
  /** GET /_ping round trips over the minute: berthd's queueing without any work. From
   * latency-probe.ts's own process, as listMs; in runs before it, from the soak's. */
  pingP50: number;
  pingP99: number;
  /** The latency probe's own loop delay p99 (ms) and its failed requests; absent before it. */
  probeLoopP99?: number;
  probeFailures?: number;
  /** The clients' own lists (a share of their operations), timed in the soak's busy process. */
  clientListP50?: number;
  clientListP99?: number;
  /** V8's heap after the minute's lowest full collection (memory-probe-heap.ts), kB: compiled
   * code and bytecode, and the rest (berthd's objects). Absent in older runs. */
  heapCodeKb?: number;
  heapRestKb?: number;
  /** berthd's CPU time over the minute, ms (the first minute's counts from the first sample's
   * baseline: 0). Absent in runs before it was recorded. */
  cpuMs?: number;
  /** berthd's main thread over the minute (schedstat), ms: on a CPU, and runnable but waiting
   * for one (the machine's share of slow answers). Absent in older runs. */
  loopOnCpuMs?: number;
  loopWaitMs?: number;
  /** The machine's 1-minute load average (/proc/loadavg): the machine is shared. */
  load1: number;
  /** Where berthd's memory is (memory-probe.ts, soak-daemon.ts); absent in older runs. */
  mem?: Record<string, unknown>;
  /** glibc malloc's bytes in use (in arenas and mmapped), kB, from mem; absent in older runs. */
  mallocKb?: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export const LIST_P99_GOAL_MS = 50;

const median = (xs: number[]) => percentile(xs, 50);
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

export function verdict(samples: readonly Sample[], unexpected: number): Check[] {
  const rest = samples.slice(1);
  const lists = rest.flatMap((s) => s.listMs);
  const p99 = percentile(lists, 99);
  const med = (f: (s: Sample) => number | undefined) => {
    const xs = rest.map((s) => f(s) ?? Number.NaN).filter(Number.isFinite);
    return xs.length ? `${median(xs).toFixed(1)} ms` : 'not measured';
  };
  return [
    flatAtEnd(samples, 'rssKb', mib),
    flatAtEnd(samples, 'pssKb', mib),
    heapCheck(samples),
    // Runs from before the memory probe have no malloc figures: no check rather than a failure.
    ...(samples.some((s) => s.mallocKb !== undefined) ? [flat(samples, 'mallocKb', mib)] : []),
    flat(samples, 'fds', (n) => `${n} fds`),
    {
      name: 'list p99',
      ok: p99 < LIST_P99_GOAL_MS,
      detail: `GET /containers/json?all=1 after the warm-up: ${lists.length} lists, p50 ${percentile(lists, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (goal < ${LIST_P99_GOAL_MS} ms); GET /_ping meanwhile: median of the minutes' p99 ${med((s) => s.pingP99)}; ` +
        `loop delay p99 (medians of the minutes): the probe's ${med((s) => s.probeLoopP99)}, the clients' ${med((s) => s.clientLoopP99)}`,
    },
    { name: 'no unexpected errors', ok: unexpected === 0, detail: `${unexpected} failed operations` },
  ];
}

/** V8's heap after full collections: without compiled code and bytecode when the probe gave them
 * (the code's own first and last values in the detail), else all of it (older runs). */
function heapCheck(samples: readonly Sample[]): Check {
  if (!samples.some((s) => s.heapRestKb !== undefined)) return flat(samples, 'heapKb', mib);
  const check = flat(samples, 'heapRestKb', mib, 'heap without code flat');
  const code = samples.slice(1).filter((s) => s.heapCodeKb !== undefined);
  const all = samples.slice(1).filter((s) => Number.isFinite(s.heapKb));
  const span = <T>(xs: T[], f: (x: T) => number) => (xs.length ? `${mib(f(xs[0]!))} → ${mib(f(xs.at(-1)!))}` : 'none');
  return { ...check, detail: `${check.detail}; not judged: code and bytecode ${span(code, (s) => s.heapCodeKb!)}, the whole heap ${span(all, (s) => s.heapKb)}` };
}

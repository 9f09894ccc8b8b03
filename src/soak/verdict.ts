// The soak's verdict from its per-minute samples. The first sample (the warm-up minute: code
// loaded lazily, caches and pools filling) is left out; of the rest, the median of the last third
// is compared with the median of the first third. Medians, not means, so that one sample taken
// while many containers were being started does not decide.
//
// NOISE, explicitly: a figure is flat when (last-third median − first-third median) is at most
// max(floor, 10 % of the first-third median, the first third's range (max − min)). The floors
// are what the daemon's in-flight work moves a sample by: 16 MiB of RSS/PSS, 32 fds (20 clients,
// each with up to two containers' attach/log streams and a couple of API connections open at the
// moment of the sample). The range term is the noise this run itself shows: under 20 clients V8
// lets the heap grow by 50–100 MiB between major collections and gives it back, so a median of
// a handful of such samples lands anywhere in that swing with no leak at all. A steady leak still
// fails, however slow: the medians of its thirds part by twice the first third's range.
// As that makes RSS and PSS blunt, the heap is judged too: V8's heap in use right after a full
// collection (Mark-Compact, from berthd's --trace-gc), the lowest of each minute. That is what a
// leak raises; RSS also holds what V8 keeps to grow into (in the first 30-minute run RSS climbed
// from ~120 to a plateau of ~220 MiB by minute 14 and stayed there: sizing, not a leak). Heap
// floor 8 MiB (what one minute's in-flight containers and requests hold at a collection).
// And what a native leak raises, V8's heap being flat: glibc malloc's bytes in use (mallinfo2's
// in-use plus mmapped chunks, from memory-probe.ts) — Buffers' and ArrayBuffers' backing stores,
// SQLite, libuv, zlib all allocate there. Not its arenas' size: malloc keeps freed memory (it rose
// 14 → 25 MiB over 10 minutes with 8–12 MiB in use) and that levels off. Floor 8 MiB (a minute's
// in-flight buffers). RSS itself grew in the soak through V8's young generation, which V8 grows
// to 2 × 64 MiB on this machine under the soak's allocation rate: berthd caps it (bin/berthd's
// --max-semi-space-size, which the soak's berthd gets too).
import { percentile } from '../faults/stats.ts';

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
  listCount: number;
  listP50: number;
  listP99: number;
  listMs: number[];
  /** Operations of the minute by family (containers, images, networks, …). */
  opsByFamily: Record<string, number>;
  /** The soak process's own event-loop delay p99 over the minute, ms (see sampler.ts). */
  clientLoopP99: number;
  /** GET /_ping round trips over the minute (clients.ts): berthd's queueing without any work. */
  pingP50: number;
  pingP99: number;
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
const FLOORS = { rssKb: 16 * 1024, pssKb: 16 * 1024, heapKb: 8 * 1024, mallocKb: 8 * 1024, fds: 32 };
const RELATIVE = 0.1;

const median = (xs: number[]) => percentile(xs, 50);

/** Flatness of one figure over the samples after the warm-up (those that have it), by the thirds' medians. */
export function flat(samples: readonly Sample[], key: keyof typeof FLOORS, unit: (n: number) => string): Check {
  const name = `${key} flat`;
  const after = samples.slice(1).filter((s) => Number.isFinite(s[key])) as (Sample & Record<typeof key, number>)[];
  if (after.length < 2) return { name, ok: false, detail: 'fewer than two samples after the warm-up minute: run longer' };
  const third = Math.max(1, Math.floor(after.length / 3));
  const head = after.slice(0, third).map((s) => s[key]);
  const first = median(head);
  const last = median(after.slice(-third).map((s) => s[key]));
  const range = Math.max(...head) - Math.min(...head);
  const noise = Math.max(FLOORS[key], RELATIVE * first, range);
  const growth = last - first;
  return {
    name,
    ok: growth <= noise,
    detail: `median of the first third (${third} samples) ${unit(first)}, of the last third ${unit(last)}: growth ${unit(growth)}, noise allowed ${unit(noise)} (max of ${unit(FLOORS[key])}, 10 % of the first third and its range ${unit(range)})`,
  };
}

export function verdict(samples: readonly Sample[], unexpected: number): Check[] {
  const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
  const lists = samples.slice(1).flatMap((s) => s.listMs);
  const p99 = percentile(lists, 99);
  return [
    flat(samples, 'rssKb', mib),
    flat(samples, 'pssKb', mib),
    flat(samples, 'heapKb', mib),
    // Runs from before the memory probe have no malloc figures: no check rather than a failure.
    ...(samples.some((s) => s.mallocKb !== undefined) ? [flat(samples, 'mallocKb', mib)] : []),
    flat(samples, 'fds', (n) => `${n} fds`),
    { name: 'list p99', ok: p99 < LIST_P99_GOAL_MS, detail: `GET /containers/json?all=1 after the warm-up: ${lists.length} lists, p50 ${percentile(lists, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (goal < ${LIST_P99_GOAL_MS} ms); GET /_ping meanwhile: median of the minutes' p99 ${median(samples.slice(1).map((s) => s.pingP99 ?? NaN)).toFixed(1)} ms` },
    { name: 'no unexpected errors', ok: unexpected === 0, detail: `${unexpected} failed operations` },
  ];
}

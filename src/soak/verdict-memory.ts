// The soak's memory rules (verdict.ts), two kinds:
//
// LEAKS: thirds. The first sample (the warm-up minute: code loaded lazily, caches and pools
// filling) is left out; of the rest, the median of the last third is compared with the median of
// the first third — medians, so one sample taken while many containers were starting does not
// decide. Flat when the growth is at most max(floor, 10 % of the first third's median, the first
// third's range): the floors are what in-flight work moves a sample by, the range the noise this
// run itself shows. Judged on what a leak raises: V8's heap after full collections (berthd's
// objects, without compiled code and bytecode when the memory probe tells them apart: V8 compiles
// more of berthd as more paths get hot, a growth that ends — code space rose 4.8 → 9 MiB in the
// 30-minute soak and stopped at minute 22), glibc malloc's bytes in use, fds. A slow steady leak
// fails them: a 30-minute run's thirds' medians are ~19 minutes apart, so 8 MiB ≈ 0.4 MiB/min.
//
// RESIDENT MEMORY: flat at the end. RSS and PSS hold what V8 and malloc once took and keep
// (V8's pages, malloc's freed chunks): they rise in steps and level off, and a plateau is not a
// leak. So they are judged over the last quarter of the run (at least END_SAMPLES samples): the
// rise is the least-squares slope × the window's span, within the floor (16 MiB). The fit, not
// last − first: it uses every sample of the window, so one sample taken in a burst at either end
// moves it by its share, not wholly; a step that ended before the window is a plateau and passes;
// a steady climb fails at ≥ 16 MiB over the window (≥ 2.3 MiB/min over a 30-minute run's 7-minute
// window) — slower ones are the leak checks' to catch.
import { percentile } from '../faults/stats.ts';
import type { Check, Sample } from './verdict.ts';

export const FLOORS = { rssKb: 16 * 1024, pssKb: 16 * 1024, heapKb: 8 * 1024, heapRestKb: 8 * 1024, mallocKb: 8 * 1024, fds: 32 };
type Figure = keyof typeof FLOORS;
const RELATIVE = 0.1;
/** The fewest samples the end window may have. */
export const END_SAMPLES = 5;

const median = (xs: number[]) => percentile(xs, 50);
const after = (samples: readonly Sample[], key: Figure) => samples.slice(1).filter((s) => Number.isFinite(s[key])) as (Sample & Record<Figure, number>)[];

/** Flatness of one figure over the samples after the warm-up (those that have it), by the thirds' medians. */
export function flat(samples: readonly Sample[], key: Figure, unit: (n: number) => string, name = `${key} flat`): Check {
  const rest = after(samples, key);
  if (rest.length < 2) return { name, ok: false, detail: 'fewer than two samples after the warm-up minute: run longer' };
  const third = Math.max(1, Math.floor(rest.length / 3));
  const head = rest.slice(0, third).map((s) => s[key]);
  const first = median(head);
  const last = median(rest.slice(-third).map((s) => s[key]));
  const range = Math.max(...head) - Math.min(...head);
  const noise = Math.max(FLOORS[key], RELATIVE * first, range);
  const growth = last - first;
  return {
    name,
    ok: growth <= noise,
    detail: `median of the first third (${third} samples) ${unit(first)}, of the last third ${unit(last)}: growth ${unit(growth)}, noise allowed ${unit(noise)} (max of ${unit(FLOORS[key])}, 10 % of the first third and its range ${unit(range)})`,
  };
}

/** Least-squares slope of ys over xs (per unit of x). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => ((num += (x - mx) * (ys[i]! - my)), (den += (x - mx) ** 2)));
  return den === 0 ? 0 : num / den;
}

/** RSS or PSS flat at the end: the last quarter's least-squares rise within the floor; the detail
 * gives the first third's median, the maximum and the end value beside it. */
export function flatAtEnd(samples: readonly Sample[], key: 'rssKb' | 'pssKb', unit: (n: number) => string): Check {
  const name = `${key} flat at the end`;
  const rest = after(samples, key);
  const n = Math.max(END_SAMPLES, Math.ceil(rest.length / 4));
  if (rest.length < n) return { name, ok: false, detail: `${rest.length} samples after the warm-up minute, the end window needs ${END_SAMPLES}: run longer` };
  const win = rest.slice(-n);
  const span = win.at(-1)!.minute - win[0]!.minute;
  const rise = slope(win.map((s) => s.minute), win.map((s) => s[key])) * span;
  const top = rest.reduce((a, b) => (b[key] > a[key] ? b : a));
  const first = median(rest.slice(0, Math.max(1, Math.floor(rest.length / 3))).map((s) => s[key]));
  return {
    name,
    ok: rise <= FLOORS[key],
    detail: `over the last ${n} samples (minutes ${win[0]!.minute}–${win.at(-1)!.minute}) a rise of ${unit(rise)} (least-squares slope × span; allowed ${unit(FLOORS[key])}); first third's median ${unit(first)}, maximum ${unit(top[key])} (minute ${top.minute}), end ${unit(win.at(-1)![key])}`,
  };
}

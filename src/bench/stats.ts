// Pure helpers of the benches: order statistics over samples and /proc/meminfo parsing.

/** The median: the middle sample, or the mean of the two middle ones. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile by nearest rank (the smallest sample with at least p% at or below it). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

export const p90 = (xs: readonly number[]): number => percentile(xs, 90);

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** /proc/meminfo as bytes per field (the kernel writes kB, meaning KiB; HugePages_* are counts). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:\s]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (m) fields.set(m[1]!, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return fields;
}

/** Memory in use by the machine: what the kernel could not hand to a new program without swapping. */
export function usedBytes(meminfo: Map<string, number>): number {
  const total = meminfo.get('MemTotal');
  const available = meminfo.get('MemAvailable');
  if (total === undefined || available === undefined) throw new Error('meminfo has no MemTotal or MemAvailable');
  return total - available;
}

// Counting what the fault runs saw: latencies (for the printed percentiles, never asserted) and
// the answers each operation got.

/** The p-th percentile (0–100) of samples, nearest rank; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Answers per operation: "create 201", "start 409", "rm error: socket hang up" … */
export class Tally {
  readonly #counts = new Map<string, number>();

  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  get total(): number {
    let n = 0;
    for (const v of this.#counts.values()) n += v;
    return n;
  }

  entries(): [string, number][] {
    return [...this.#counts].sort((a, b) => a[0].localeCompare(b[0]));
  }
}

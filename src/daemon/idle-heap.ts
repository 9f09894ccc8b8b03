// What berthd's start-up leaves behind once it is up: a young generation grown to its cap
// (start-up allocates fast and most of it survives, so V8 doubles new space up to
// --max-semi-space-size) and the garbage of opening the stores and restoring containers. An idle
// daemon allocates nothing, so V8 keeps both until its memory reducer runs, many seconds later.
// One memory-reducing collection shortly after start (V8's "last resort" flavour: full GCs that
// also shrink new space and release free pages) returns ~5 MiB of RSS (69.0 → 64.2 MiB,
// src/bench/daemon-footprint.ts, issue 12); a plain full collection returned ~1.3.
// bin/berthd gives node --expose-gc for it; a berthd run without it (the tests') skips it.

/** After listening: past a client's first requests, before anyone looks at the idle daemon. */
export const SETTLE_AFTER_MS = 1000;

type Gc = (o: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Schedules the one collection; the timer keeps nothing alive. */
export function settleHeapWhenIdle(delayMs = SETTLE_AFTER_MS): void {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (typeof gc !== 'function') return;
  setTimeout(() => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }), delayMs).unref();
}

// What berthd's start-up leaves behind once it is up: a young generation grown to its cap
// (start-up allocates fast and most of it survives, so V8 doubles new space up to
// --max-semi-space-size) and the garbage of opening the stores and restoring containers. An idle
// daemon allocates nothing, so V8 keeps both until its memory reducer runs, many seconds later.
// One memory-reducing collection shortly after start (V8's "last resort" flavour: full GCs that
// also shrink new space and release free pages) returns ~5 MiB of RSS (issue 12,
// src/bench/daemon-footprint.ts); a plain full collection returned ~1.3.
// The collection function is taken here, not with node's --expose-gc: that flag on the command
// line made every start ~100 M instructions dearer (valgrind: loading the bundle with its code
// cache, 197 → 293 M). The flag is set back at once: V8's code cache is keyed on the flags, and
// the launcher may still write one (bin/berthd).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** After listening: past a client's first requests, before anyone looks at the idle daemon. */
export const SETTLE_AFTER_MS = 1000;

type Gc = (o: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Schedules the one collection; the timer keeps nothing alive. */
export function settleHeapWhenIdle(delayMs = SETTLE_AFTER_MS): void {
  setTimeout(() => collectGarbage()?.({ type: 'major', execution: 'sync', flavor: 'last-resort' }), delayMs).unref();
}

function collectGarbage(): Gc | undefined {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Gc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

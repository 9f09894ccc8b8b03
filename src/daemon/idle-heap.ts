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
// the launcher may still write one (bin/code-cache.js).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** After listening: past a client's first requests, before anyone looks at the idle daemon. */
export const SETTLE_AFTER_MS = 1000;

type Gc = (o: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Schedules the one collection and the end of start-up's tiering; the timer keeps nothing alive. */
export function settleHeapWhenIdle(delayMs = SETTLE_AFTER_MS): void {
  setTimeout(() => {
    endStartTiering();
    collectGarbage()?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  }, delayMs).unref();
}

/** bin/berthd starts node with this many calls before V8 compiles a function with Maglev; V8's
 * own default (Node 24) is what the daemon runs with once started. */
export const START_MAGLEV_CALLS = 2000;
export const MAGLEV_CALLS = 400;
const MAGLEV_FLAG = '--invocation-count-for-maglev=';

/**
 * The first Maglev compile pages in V8's Maglev compiler, ~2.2 MiB of node's code that the idle
 * daemon then holds (issue 12). What gets hot at start is Node's own path normalisation (its
 * isPosixPathSeparator runs once per character of every path node's loader resolves; bare node
 * makes ~250 of those calls, berthd's start ~700 with src/lib/posix-path.ts, >2000 without), past
 * V8's 400. bin/berthd raises the count for the start (a flag on node's command line: a budget is
 * set when a function's feedback is made, so a later change misses node's own functions); here it
 * is set back, so a busy daemon compiles its hot functions as soon as node would. Only when the
 * start value is the one bin/berthd gives: a user's own flag stays. Measured (apiload, 3000 API
 * requests after start): the same CPU as without either flag.
 */
export function endStartTiering(execArgv: readonly string[] = process.execArgv): boolean {
  const last = execArgv.findLast((a) => a.startsWith(MAGLEV_FLAG));
  if (last !== `${MAGLEV_FLAG}${START_MAGLEV_CALLS}`) return false;
  setFlagsFromString(`${MAGLEV_FLAG}${MAGLEV_CALLS}`);
  return true;
}

function collectGarbage(): Gc | undefined {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Gc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

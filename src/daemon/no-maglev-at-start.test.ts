// berthd's start and idle compile nothing with V8's Maglev (issue 12): the first Maglev compile
// pages in the compiler's code, ~2 MiB of node's binary that the idle daemon then holds. What
// gets hot first is node's own path normalisation (isPosixPathSeparator, once per character of
// every path node:path resolves): node's loader resolving bin/berthd already makes most of the
// ~400 calls V8 allows, so berthd's start must add almost none (bin/berthd, src/lib/posix-path.ts,
// realpathSync.native) — and esbuild's lazy module initialisers, one closure called ~800 times at
// a start, must not be there (scripts/bundle-berthd.mjs). Run as installed: bin/berthd and the
// release bundle, copied to a directory of a fixed, short length (node's calls grow with the
// path), with bin/berthd's node flags; --trace-opt names every function V8 compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launcherNodeFlags } from '../soak/soak-daemon.ts';
import { startTimed } from '../bench/startup-daemons.ts';
import { stopChild } from '../bench/daemons.ts';
import { within } from '../testing/until.ts';
import { SETTLE_AFTER_MS } from './idle-heap.ts';

const REPO = new URL('../../', import.meta.url).pathname;

test('bin/berthd starts, answers, settles and idles without a Maglev compile', async () => {
  const dir = mkdtempSync('/tmp/bm-');
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist/release'), { recursive: true });
    for (const f of ['bin/berthd', 'bin/package.json', 'dist/release/berthd.js', 'dist/release/berthd-lazy.js', 'dist/release/package.json']) cpSync(join(REPO, f), join(dir, f));
    writeFileSync(join(dir, 'daemon.json'), '{}');
    const sock = join(dir, 's.sock');
    const log = join(dir, 'out.log');
    const argv = [process.execPath, ...launcherNodeFlags(), '--trace-opt', join(dir, 'bin/berthd'), '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'), '--config-file', join(dir, 'daemon.json'), '-H', `unix://${sock}`, '--bridge', 'none'];
    const d = await startTimed(argv, sock, log, { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') });
    try {
      await sleep(SETTLE_AFTER_MS + 1000);
    } finally {
      await within('berthd to stop', stopChild(d.child), 60_000);
    }
    const out = readFileSync(log, 'utf8');
    assert.match(out, /API listen on unix socket/, 'the log is the daemon\'s');
    const maglev = out.split('\n').filter((l) => /MAGLEV/.test(l));
    assert.deepEqual(maglev, [], 'functions V8 compiled with Maglev during the start and idle');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

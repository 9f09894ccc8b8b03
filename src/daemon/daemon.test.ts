// berthd as a process: start, state across SIGKILL, reload on SIGHUP, refusing bad config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Berthd, startBerthd } from '../testing/berthd-harness.ts';
import { run } from '../testing/run.ts';
import { until } from '../testing/until.ts';

test('events survive a SIGKILL and are replayed with since', async () => {
  const d = await startBerthd();
  try {
    const since = (Date.now() / 1000 - 5).toFixed(3);
    // SIGHUP makes the daemon write a `reload` event to its journal.
    process.kill(d.pid!, 'SIGHUP');
    await until('berthd logs the reload', () => /Reloaded configuration/.test(d.log));
    await d.kill();
    const again = await new Berthd({ dir: d.dir }).start();
    try {
      const until = (Date.now() / 1000).toFixed(3);
      const seen = [];
      for await (const e of again.client().system.events({ since, until })) seen.push(e);
      const reloads = seen.filter((e) => e.Type === 'daemon' && e.Action === 'reload');
      assert.equal(reloads.length, 1, JSON.stringify(seen));
      const info = await again.client().system.info();
      assert.equal(reloads[0]!.Actor.ID, info.ID, 'the daemon id is kept across restarts');
    } finally {
      await again.stop();
    }
  } finally {
    await d.cleanup();
  }
});

test('SIGHUP applies the reloadable settings and says which', async () => {
  const d = await startBerthd({ daemonJson: { 'log-level': 'info' } });
  try {
    writeFileSync(d.configFile, JSON.stringify({ 'log-level': 'debug', 'registry-mirrors': ['https://mirror.invalid'] }));
    process.kill(d.pid!, 'SIGHUP');
    await until('berthd logs the reload', () => /Reloaded configuration/.test(d.log));
    assert.match(d.log, /applied=[^ ]*log-level/);
    const info = await d.client().system.info();
    assert.deepEqual((info.RegistryConfig as { Mirrors: string[] }).Mirrors, ['https://mirror.invalid/'], 'mirrors are normalised with a trailing slash, as dockerd does');
    writeFileSync(d.configFile, '{"debug": "yes"}');
    process.kill(d.pid!, 'SIGHUP');
    await until('berthd logs the refused reload', () => /Error reloading configuration/.test(d.log));
    const kept = (await d.client().system.info()).RegistryConfig as { Mirrors: string[] };
    assert.deepEqual(kept.Mirrors, ['https://mirror.invalid/'], 'a refused reload keeps the running settings');
  } finally {
    await d.cleanup();
  }
});

test('a typo in daemon.json stops the start with file, line and suggestion', async () => {
  const d = new Berthd({ daemonJson: '{\n  "debug": false,\n  "liverestore": true\n}\n' });
  try {
    const r = await run(process.execPath, d.argv());
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`unknown key "liverestore" at line 3 of ${d.configFile.replace(/[.]/g, '\\.')}; did you mean "live-restore"\\?`));
  } finally {
    await d.cleanup();
  }
});

test('--validate checks the configuration and exits', async () => {
  const d = new Berthd({ daemonJson: { 'live-restore': false } });
  try {
    const ok = await run(process.execPath, d.argv(['--validate']));
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /configuration OK/);
    const conflict = await run(process.execPath, d.argv(['--validate', '--live-restore']));
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /live-restore/);
  } finally {
    await d.cleanup();
  }
});

test('SIGTERM stops gracefully, removing the socket and the pidfile', async () => {
  const d = await startBerthd();
  try {
    const pidfile = join(d.dir, 'berthd.pid');
    assert.equal(readFileSync(pidfile, 'utf8').trim(), String(d.pid));
    assert.equal(await d.stop(), 0);
    assert.throws(() => readFileSync(pidfile));
    assert.throws(() => readFileSync(d.socket));
  } finally {
    await d.cleanup();
  }
});

test('a second daemon on the same pidfile is refused', async () => {
  const d = await startBerthd();
  try {
    const second = await run(process.execPath, d.argv(['-H', `unix://${d.dir}/other.sock`]));
    assert.equal(second.code, 1);
    assert.match(second.stderr, /pid file found/);
  } finally {
    await d.cleanup();
  }
});

test('SIGKILL at any instant keeps every acknowledged change and a consistent store', async () => {
  const d = new Berthd();
  try {
    let acknowledged = 0;
    for (let round = 0; round < 4; round++) {
      const daemon = await new Berthd({ dir: d.dir }).start();
      const before = (daemon.log.match(/Reloaded configuration/g) ?? []).length;
      const burst = setInterval(() => process.kill(daemon.pid!, 'SIGHUP'), 2);
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 120));
      clearInterval(burst);
      await daemon.kill();
      acknowledged += (daemon.log.match(/Reloaded configuration/g) ?? []).length - before;
    }
    const last = await new Berthd({ dir: d.dir }).start();
    try {
      let journaled = 0;
      for await (const e of last.client().system.events({ since: '0', until: String(Date.now() / 1000) })) {
        if (e.Type === 'daemon' && e.Action === 'reload') journaled++;
      }
      assert.ok(acknowledged > 0, 'the bursts reloaded at least once');
      assert.ok(journaled >= acknowledged, `journal has ${journaled} reloads, ${acknowledged} were acknowledged`);
    } finally {
      await last.stop();
    }
  } finally {
    await d.cleanup();
  }
});

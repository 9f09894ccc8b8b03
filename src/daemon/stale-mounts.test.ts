// A berthd killed mid-removal or mid-diff leaves overlays mounted in its debris; the next one
// must come up whatever it finds: it unmounts its own leftovers (lazily when busy) before
// clearing the debris, keeps what is not its own, and never dies on a mount it cannot undo.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { pack } from 'tar-stream';
import { Berthd, startBerthd } from '../testing/berthd-harness.ts';
import { staleMounts } from './stale-mounts.ts';

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((p) => p.startsWith(`${dir}/`));
}

/** An overlay at <dir>/merged made of directories beside it, as a removed layer's would be. */
function leftoverOverlay(dir: string): string {
  for (const sub of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'lower', 'file'), 'kept in the lower layer');
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work`, join(dir, 'merged')]);
  return join(dir, 'merged');
}

test('berthd comes up clean on a data-root and exec-root with overlays left mounted, a busy one too', async (t) => {
  const first = await startBerthd();
  await first.stop();
  const { dir } = first;
  const data = join(dir, 'data');
  const exec = join(dir, 'exec');
  const removed = leftoverOverlay(join(data, 'overlay2', '.staging', 'rm-0123-abcd'));
  const busy = leftoverOverlay(join(data, 'overlay2', '.staging', 'rm-4567-ef01'));
  const view = leftoverOverlay(join(exec, 'rootfs-views', '0123456789ab-x'));
  // The rootfs of a container whose layer is gone from the store (it is an orphan to collect).
  const orphan = leftoverOverlay(join(data, 'overlay2', 'f'.repeat(64)));
  // Not berthd's: a tmpfs an administrator mounted under the data-root stays.
  const admin = join(data, 'admin-disk');
  mkdirSync(admin);
  execFileSync('mount', ['-t', 'tmpfs', 'berth-test-admin', admin]);
  const holder = spawn('sleep', ['60'], { cwd: busy, stdio: 'ignore' });
  const second = new Berthd({ dir });
  t.after(async () => {
    holder.kill('SIGKILL');
    await second.stop();
    execFileSync('umount', ['-l', admin]);
    await first.cleanup();
  });
  assert.deepEqual(mountsUnder(dir).sort(), [busy, removed, view, orphan, admin].sort());

  await second.start();
  assert.deepEqual(mountsUnder(dir), [admin], 'only the administrator\'s mount is left');
  assert.deepEqual(readdirSync(join(data, 'overlay2', '.staging')), [], 'the staging debris is cleared');
  assert.match(second.log, /leftover mount was busy: detached lazily.*rm-4567-ef01\/merged/);
  assert.match(second.log, /unmounted a leftover mount.*rootfs-views/);
  // It works: an image can be imported (into the staging directory it has just cleared).
  const res = await second.client().api.request('POST', '/images/create', { query: { fromSrc: '-', repo: 'empty' }, body: oneFileTar(), headers: { 'Content-Type': 'application/x-tar' } });
  assert.match(await text(res), /sha256:/);
  assert.equal(holder.exitCode, null, 'the process using the detached mount is left alone');
});

test('which mounts are stale: debris always, overlays under the roots unless a container may still run', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-stale-'));
  try {
    const data = join(root, 'data');
    const exec = join(root, 'exec');
    for (const d of [data, exec]) mkdirSync(d);
    const running = 'a'.repeat(64);
    const table = [
      { point: '/', fstype: 'ext4' },
      { point: data, fstype: 'ext4' }, // the data-root on its own disk
      { point: join(data, 'overlay2', running, 'merged'), fstype: 'overlay' },
      { point: join(data, 'overlay2', 'b'.repeat(64), 'merged'), fstype: 'overlay' },
      { point: join(data, 'overlay2', '.staging', 'rm-x', 'merged'), fstype: 'overlay' },
      { point: join(data, 'overlay2', '.staging', 'rm-x', 'merged', 'bound'), fstype: 'ext4' },
      { point: join(data, 'containers', '.removed-c-1', 'shm'), fstype: 'tmpfs' },
      { point: join(data, 'volumes'), fstype: 'ext4' },
      { point: join(exec, 'rootfs-views', 'v'), fstype: 'overlay' },
      { point: `${data}-other/overlay2/x/merged`, fstype: 'overlay' },
      // The storage driver's test mount, made while this runs: detect.ts's own.
      { point: join(data, 'overlay-probe-Xy12ab', 'merged'), fstype: 'overlay' },
    ];
    assert.deepEqual(staleMounts(table, { dataRoot: data, execRoot: exec, keepRootfs: [running] }), [
      join(exec, 'rootfs-views', 'v'),
      join(data, 'containers', '.removed-c-1', 'shm'),
      join(data, 'overlay2', '.staging', 'rm-x', 'merged', 'bound'),
      join(data, 'overlay2', '.staging', 'rm-x', 'merged'),
      join(data, 'overlay2', 'b'.repeat(64), 'merged'),
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

function oneFileTar(): Readable {
  const p = pack();
  p.entry({ name: 'hello', mode: 0o644 }, 'hi');
  p.finalize();
  return p as unknown as Readable;
}

async function text(res: AsyncIterable<Buffer>): Promise<string> {
  let s = '';
  for await (const c of res) s += c.toString();
  return s;
}

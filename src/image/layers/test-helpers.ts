// Test fixtures for the layer store: tars built with tar-stream (as other tools would build
// them), temp roots that are always unmounted and removed, and the 3-layer chain whose merged
// view both drivers must produce.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import tar from 'tar-stream';
import { mountsUnder } from './mount.ts';

export interface TEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

export const TEMP_PREFIX = 'berth-layers-test-';

export async function makeTar(entries: TEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = {
      name: e.name, type, uid: e.uid ?? 0, gid: e.gid ?? 0,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: new Date((e.mtime ?? 1_600_000_000) * 1000),
      linkname: e.linkname, devmajor: e.devmajor, devminor: e.devminor,
      ...(e.pax ? { pax: e.pax } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (type === 'file') pack.entry(header, e.content ?? '', cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  return done;
}

export async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export function streamOf(buf: Buffer): Readable {
  return Readable.from([buf]);
}

/** A temp dir that is unmounted (deepest first) and removed after the test, pass or fail. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  t.after(() => {
    for (const m of mountsUnder(dir)) execFileSync('umount', [m]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Delete the tar-split records of every layer in a store root, so tarLayer re-tars the files
 * (as it does for layers from before records existed): the tests of that fallback need it. */
export function dropTarSplitRecords(storeRoot: string): void {
  const overlay = join(storeRoot, 'overlay2');
  if (existsSync(overlay)) for (const id of readdirSync(overlay)) rmSync(join(overlay, id, 'tar-split.json.gz'), { force: true });
  const vfs = join(storeRoot, 'vfs', 'tar-split');
  if (existsSync(vfs)) for (const id of readdirSync(vfs)) rmSync(join(vfs, id), { recursive: true, force: true });
}

/** For a file's final after(): nothing of ours may still be mounted. */
export function assertNoTestMounts(): void {
  const ours = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(TEMP_PREFIX));
  assert.deepEqual(ours, [], 'test mounts left behind');
}

export const T1 = 1_600_000_000;
export const T2 = 1_650_000_000;
export const T3 = 1_700_000_000;

/** Three layers exercising files, dirs, links, whiteouts, opaque dirs and xattrs. */
export async function chainTars(): Promise<Buffer[]> {
  const d = (name: string, mtime: number, extra: Partial<TEntry> = {}): TEntry => ({ name, type: 'directory', mtime, ...extra });
  const l1 = await makeTar([
    d('bin/', T1),
    { name: 'bin/sh', content: '#!shell\n', mode: 0o755, mtime: T1 },
    { name: 'bin/sh2', type: 'link', linkname: 'bin/sh' },
    { name: 'bin/su', content: 'su', mode: 0o4755, mtime: T1 },
    { name: 'bin/ping', content: 'ping', mode: 0o755, mtime: T1, pax: { 'SCHILY.xattr.user.note': 'hello' } },
    d('etc/', T1),
    { name: 'etc/passwd', content: 'root:x:0:0\n', mtime: T1 },
    { name: 'etc/shadow', content: 'secret', mode: 0o640, gid: 42, mtime: T1 },
    d('home/user/', T1, { mode: 0o750, uid: 1000, gid: 1000 }),
    { name: 'home/user/.profile', content: 'v1', uid: 1000, gid: 1000, mtime: T1 },
    d('opt/', T1), d('opt/old/', T1),
    { name: 'opt/old/a.txt', content: 'a' },
    d('opt/old/sub/', T1),
    { name: 'opt/old/sub/b.txt', content: 'b' },
    d('tmp/', T1, { mode: 0o1777 }),
    { name: 'usr/lib/libc.so', content: 'libc', mtime: T1 },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib', mtime: T1 },
    { name: './var/log/app.log', content: 'log' },
    { name: '/srv/abs.txt', content: 'abs' },
  ]);
  const l2 = await makeTar([
    d('etc/', T2),
    { name: 'etc/.wh.shadow', content: '' },
    { name: 'etc/hostname', content: 'box', mtime: T2 },
    d('home/', T1), d('home/user/', T2, { mode: 0o750, uid: 1000, gid: 1000 }),
    { name: 'home/user/.profile', content: 'v2', uid: 1000, gid: 1000, mtime: T2 },
    d('opt/', T1), d('opt/old/', T2),
    { name: 'opt/old/.wh..wh..opq', content: '' },
    { name: 'opt/old/new.txt', content: 'new', mtime: T2 },
    d('var/', T2),
    { name: 'var/.wh.log', content: '' },
  ]);
  const l3 = await makeTar([
    d('etc/', T3),
    { name: 'etc/passwd', content: 'root:x:0:0:new\n', mode: 0o600, mtime: T3 },
    { name: 'etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/UTC', mtime: T3 },
    d('var/', T3), d('var/log/', T3),
    { name: 'var/log/new.log', content: 'fresh', mtime: T3 },
  ]);
  return [l1, l2, l3];
}

/** What the chain above must look like, merged (overlay mount) or flattened (vfs dir). */
export function checkMerged(root: string): void {
  const st = (p: string) => lstatSync(join(root, p));
  const text = (p: string) => readFileSync(join(root, p), 'utf8');
  const mtime = (p: string) => Math.floor(st(p).mtimeMs / 1000);
  assert.equal(text('bin/sh'), '#!shell\n');
  assert.equal(st('bin/sh').mode & 0o7777, 0o755);
  assert.equal(mtime('bin/sh'), T1);
  assert.equal(st('bin/sh2').ino, st('bin/sh').ino, 'hard link shares the inode');
  assert.equal(st('bin/su').mode & 0o7777, 0o4755, 'setuid kept');
  assert.equal(execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'user.note', join(root, 'bin/ping')]).toString(), 'hello');
  assert.equal(mtime('bin'), T1, 'dir mtime set after its contents');
  assert.throws(() => st('etc/shadow'), /ENOENT/, 'whiteout deleted etc/shadow');
  assert.equal(text('etc/hostname'), 'box');
  assert.equal(text('etc/passwd'), 'root:x:0:0:new\n');
  assert.equal(st('etc/passwd').mode & 0o7777, 0o600);
  assert.equal(mtime('etc/passwd'), T3);
  assert.equal(mtime('etc'), T3);
  assert.equal(readlinkSync(join(root, 'etc/localtime')), '/usr/share/zoneinfo/UTC');
  assert.equal(st('home/user').uid, 1000);
  assert.equal(st('home/user').gid, 1000);
  assert.equal(st('home/user').mode & 0o7777, 0o750);
  assert.equal(text('home/user/.profile'), 'v2');
  assert.deepEqual(readdirSync(join(root, 'opt/old')), ['new.txt'], 'opaque dir hides lower content');
  assert.equal(st('tmp').mode & 0o7777, 0o1777, 'sticky bit kept');
  assert.equal(readlinkSync(join(root, 'lib')), 'usr/lib');
  assert.equal(text('usr/lib/libc.so'), 'libc');
  assert.deepEqual(readdirSync(join(root, 'var/log')), ['new.log'], 'deleted dir stays deleted when re-created above');
  assert.equal(text('srv/abs.txt'), 'abs', 'absolute names land inside the layer');
}

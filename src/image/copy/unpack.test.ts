// Unpacking docker cp tars into a view of a fake container root: links already in the root are
// followed inside it (never to the host), entries pointing outside the destination are refused,
// and the dir/non-dir rule holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { FsView } from './fs-view.ts';
import { unpack } from './unpack.ts';
import { BerthError } from '../../api/types/errors.ts';

let dir: string;
let root: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-unpack-'));
  root = join(dir, 'root');
  mkdirSync(join(root, 'tmp'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  symlinkSync('/', join(root, 'tmp', 'toroot'));
  symlinkSync('../../../../../../../../etc', join(root, 'tmp', 'up'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; linkname?: string; body?: string; mode?: number; uid?: number; pax?: Record<string, string> };

function tarOf(entries: Entry[]): Readable {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', mode: e.mode ?? 0o644, uid: e.uid ?? 0, gid: 0, mtime: new Date(1_000_000_000_000), ...(e.linkname && { linkname: e.linkname }), ...(e.pax && { pax: e.pax }) }, e.body ?? '');
  p.finalize();
  return p as unknown as Readable;
}

test('links in the destination lead to the container root, not the host', async () => {
  const name = `berth-unpack-${process.pid}`;
  const view = new FsView(root);
  // An entry under tmp/toroot (-> /) lands in the root's top directory.
  await unpack(view, '/', tarOf([{ name: `tmp/toroot/${name}`, body: 'in root' }]));
  assert.equal(readFileSync(join(root, name), 'utf8'), 'in root');
  assert.ok(!existsSync(`/${name}`), 'nothing was written to the host');
  // A destination behind a relative link that climbs out stops at the root's /etc.
  await unpack(view, await view.resolve('/tmp/up', true), tarOf([{ name: 'f', body: 'etc file', uid: 4242 }]));
  assert.equal(readFileSync(join(root, 'etc', 'f'), 'utf8'), 'etc file');
  assert.equal(lstatSync(join(root, 'etc', 'f')).uid, 4242, 'owners come from the headers');
  assert.equal(lstatSync(join(root, 'etc', 'f')).mtimeMs, 1_000_000_000_000);
});

test('entries, hard links and symlinks that leave the destination are refused', async () => {
  const view = new FsView(root);
  await assert.rejects(unpack(view, '/tmp', tarOf([{ name: '../../evil' }])), /"\.\.\/\.\.\/evil" is outside of "\/tmp"/);
  await assert.rejects(unpack(view, '/tmp', tarOf([{ name: 'l', type: 'symlink', linkname: '../../etc' }])), /invalid symlink "\/tmp\/l" -> "\.\.\/\.\.\/etc"/);
  await assert.rejects(unpack(view, '/tmp', tarOf([{ name: 'h', type: 'link', linkname: '../etc/f' }])), /invalid hardlink/);
  // An absolute symlink target is fine: it means the container's own path.
  await unpack(view, '/tmp', tarOf([{ name: 'abs', type: 'symlink', linkname: '/etc/passwd' }]));
  assert.equal(readlinkSync(join(root, 'tmp', 'abs')), '/etc/passwd');
});

test('noOverwriteDirNonDir keeps directories and files from replacing each other', async () => {
  const view = new FsView(root);
  mkdirSync(join(root, 'd'));
  writeFileSync(join(root, 'file'), 'x');
  await assert.rejects(unpack(view, '/', tarOf([{ name: 'd' }]), { noOverwriteDirNonDir: true }), /cannot overwrite directory "\/d" with non-directory "\/"/);
  await assert.rejects(unpack(view, '/', tarOf([{ name: 'file/', type: 'directory', mode: 0o755 }]), { noOverwriteDirNonDir: true }), /cannot overwrite non-directory "\/file" with directory "\/"/);
  // Without the option the file is replaced, and missing parents are made.
  await unpack(view, '/', tarOf([{ name: 'file/', type: 'directory', mode: 0o700 }, { name: 'new/deep/x', body: 'y' }]));
  assert.ok(lstatSync(join(root, 'file')).isDirectory());
  assert.equal(lstatSync(join(root, 'file')).mode & 0o777, 0o700);
  assert.equal(lstatSync(join(root, 'new', 'deep')).mode & 0o777, 0o755);
});

test('bind mounts in the view receive what is written below them', async () => {
  const source = join(dir, 'bind');
  mkdirSync(source);
  const view = new FsView(root, [{ destination: '/data', source, readOnly: false }]);
  mkdirSync(join(root, 'data'));
  await unpack(view, '/data', tarOf([{ name: 'sub/f', body: 'bound' }]));
  assert.equal(readFileSync(join(source, 'sub', 'f'), 'utf8'), 'bound');
  assert.ok(!existsSync(join(root, 'data', 'sub')));
});

test('what a tar asks that cannot be done is a 400 in the container\'s terms, never naming the host root', async () => {
  const view = new FsView(root);
  const cases: [Entry[], string][] = [
    [[{ name: 'h', type: 'link', linkname: '/etc/shadow-missing' }], 'link /tmp/etc/shadow-missing /tmp/h: no such file or directory'],
    [[{ name: 'plain' }, { name: 'plain/child' }], 'open /tmp/plain/child: not a directory'],
    [[{ name: `a/${'x'.repeat(300)}` }], `lstat /tmp/a/${'x'.repeat(300)}: file name too long`],
    [[{ name: 'ok', pax: { path: 'nul\0x' } }], 'invalid tar header: "nul\\u0000x" names a NUL byte'],
    [[{ name: '../escape' }], '"../escape" is outside of "/tmp"'],
  ];
  for (const [entries, message] of cases) {
    await assert.rejects(unpack(view, '/tmp', tarOf(entries)), (err: unknown) => {
      assert.ok(err instanceof BerthError, String(err));
      assert.equal(err.kind, 'invalid-parameter', err.message);
      assert.equal(err.message, message);
      assert.ok(!err.message.includes(root), 'no host path');
      return true;
    });
  }
  await assert.rejects(unpack(view, '/tmp', Readable.from([Buffer.alloc(1024, 'z')])), (err: unknown) => err instanceof BerthError && err.kind === 'invalid-parameter');
});

// The tar of a COPY/ADD, read back entry by entry: docker's placement rules (file to dest or
// into it, a directory's contents, a link named as source followed), owners (0:0, --chown,
// --from's own), --chmod, hard links kept, the dest entry only when dest is new, and ADD's
// local archives unpacked under dest with their own owners.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FsView } from '../../image/copy/fs-view.ts';
import { unpack } from '../../image/copy/unpack.ts';
import { copyTar } from './copy-tar.ts';
import { matchSources } from './match.ts';
import { readEntries, tarBytes } from './tar-fixture.ts';
import type { CopyTarOptions } from './types.ts';

/** VFS_CAP_REVISION_2 with cap_net_raw (bit 13) permitted and effective. */
const CAP_NET_RAW = '0100000200200000000000000000000000000000';

let dir: string;
let view: FsView;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-copytar-'));
  mkdirSync(join(dir, 'sub/deep'), { recursive: true });
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'a.txt'), 'a', { mode: 0o640 });
  writeFileSync(join(dir, 'sub/c.txt'), 'c');
  linkSync(join(dir, 'sub/c.txt'), join(dir, 'sub/deep/hard.txt'));
  writeFileSync(join(dir, 'sub/deep/d.txt'), 'd');
  symlinkSync('../c.txt', join(dir, 'sub/deep/rel'));
  symlinkSync('sub', join(dir, 'tosub'));
  symlinkSync('/a.txt', join(dir, 'toa'));
  chownSync(join(dir, 'sub/deep/d.txt'), 1000, 1001);
  const archive = await tarBytes([{ name: './', type: 'directory', mode: 0o755 }, { name: './etc/', type: 'directory', mode: 0o700, uid: 7 }, { name: './etc/app.conf', body: 'conf', uid: 1234, gid: 99, mode: 0o600 }, { name: './etc/again', type: 'link', linkname: './etc/app.conf' }]);
  writeFileSync(join(dir, 'app.tar.gz'), gzipSync(archive));
  const xz = spawnSync('xz', ['-c'], { input: archive });
  assert.equal(xz.status, 0, `xz is needed (Debian package xz-utils): ${xz.error?.message ?? xz.stderr}`);
  writeFileSync(join(dir, 'app.tar.xz'), xz.stdout);
  writeFileSync(join(dir, 'bad.tar'), await tarBytes([{ name: '../../escape', body: 'x' }, { name: 'hard', type: 'link', linkname: '../../../escape' }, { name: '/etc/abs', body: 'abs' }]));
  writeFileSync(join(dir, 'notes.tar'), 'not a tar at all');
  mkdirSync(join(dir, 'special/sdir'), { recursive: true });
  for (const [name, mode] of [['suid', 0o4755], ['sgid-x', 0o2751], ['sgid-nox', 0o2744]] as const) {
    writeFileSync(join(dir, 'special', name), '');
    chmodSync(join(dir, 'special', name), mode);
  }
  chmodSync(join(dir, 'special/sdir'), 0o2755);
  mkdirSync(join(dir, 'capdir'));
  writeFileSync(join(dir, 'capdir/ping'), '');
  const setcap = spawnSync('setfattr', ['-n', 'security.capability', '-v', `0x${CAP_NET_RAW}`, join(dir, 'capdir/ping')], { encoding: 'utf8' });
  assert.equal(setcap.status, 0, `setfattr (Debian package attr): ${setcap.error?.message ?? setcap.stderr}`);
  view = new FsView(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const base: CopyTarOptions = { dest: '/app', destIsDir: false, extractArchives: false, keepOwners: false };

async function copy(sources: string[], o: Partial<CopyTarOptions>) {
  const entries = await matchSources(view, sources, { allowWildcards: true });
  return readEntries(copyTar(view, entries, { ...base, ...o })());
}
const summary = (es: Awaited<ReturnType<typeof copy>>) => es.map((e) => `${e.header.type} ${e.header.name} ${(e.header.mode & 0o7777).toString(8)} ${e.header.uid}:${e.header.gid}${e.header.linkname ? ` -> ${e.header.linkname}` : ''}${e.body ? ` =${e.body}` : ''}`);

test('a file goes to dest, or into dest when it is a directory, with its mode and owner 0:0', async () => {
  assert.deepEqual(summary(await copy(['a.txt'], { dest: '/app/conf' })), ['file app/conf 640 0:0 =a']);
  assert.deepEqual(summary(await copy(['a.txt'], { dest: '/app', destIsDir: true })), ['file app/a.txt 640 0:0 =a']);
  assert.deepEqual(summary(await copy(['a.txt'], { dest: '/', destIsDir: true })), ['file a.txt 640 0:0 =a']);
});

test('a directory\'s contents go into dest, links below it kept, a second hard link as a link', async () => {
  assert.deepEqual(summary(await copy(['sub'], { dest: '/app' })), [
    'file app/c.txt 644 0:0 =c',
    'directory app/deep/ 755 0:0',
    'file app/deep/d.txt 644 0:0 =d',
    'link app/deep/hard.txt 644 0:0 -> app/c.txt',
    'symlink app/deep/rel 777 0:0 -> ../c.txt',
  ]);
});

test('a link named as a source is followed: a directory\'s contents, a file under the link\'s name', async () => {
  assert.deepEqual(summary(await copy(['tosub/deep/d.txt', 'toa'], { dest: '/x', destIsDir: true })), ['file x/d.txt 644 0:0 =d', 'file x/toa 640 0:0 =a']);
  assert.deepEqual((await copy(['tosub'], { dest: '/x' })).map((e) => e.header.name), ['x/c.txt', 'x/deep/', 'x/deep/d.txt', 'x/deep/hard.txt', 'x/deep/rel']);
});

test('owners: --chown\'s numbers for everything, --from\'s own with keepOwners', async () => {
  const chowned = await copy(['sub'], { dest: '/app', owner: { uid: 5, gid: 6 } });
  assert.ok(chowned.every((e) => e.header.uid === 5 && e.header.gid === 6));
  const kept = await copy(['sub/deep/d.txt'], { dest: '/d', keepOwners: true });
  assert.deepEqual(summary(kept), ['file d 644 1000:1001 =d']);
  const both = await copy(['sub/deep/d.txt'], { dest: '/d', keepOwners: true, owner: { uid: 1, gid: 2 } });
  assert.deepEqual(summary(both), ['file d 644 1:2 =d']);
});

test('setuid and setgid (with group-exec) are cleared as docker\'s chown clears them; --from without --chown keeps them', async () => {
  const bits = async (o: Partial<CopyTarOptions>) => (await copy(['special'], { dest: '/s', ...o })).map((e) => `${e.header.name} ${(e.header.mode & 0o7777).toString(8)}`);
  assert.deepEqual(await bits({}), ['s/sdir/ 2755', 's/sgid-nox 2744', 's/sgid-x 751', 's/suid 755']);
  assert.deepEqual(await bits({ owner: { uid: 1, gid: 1 } }), ['s/sdir/ 2755', 's/sgid-nox 2744', 's/sgid-x 751', 's/suid 755']);
  assert.deepEqual(await bits({ keepOwners: true }), ['s/sdir/ 2755', 's/sgid-nox 2744', 's/sgid-x 2751', 's/suid 4755']);
  assert.deepEqual(await bits({ mode: 0o4755 }), ['s/sdir/ 4755', 's/sgid-nox 4755', 's/sgid-x 4755', 's/suid 4755']);
});

test('a file capability travels in a directory copied with --from\'s own owners only (dockerd 20.10)', async () => {
  const caps = async (o: Partial<CopyTarOptions>) => (await copy(['capdir'], { dest: '/c', ...o })).map((e) => e.header.xattrs.get('security.capability')?.toString('hex') ?? '-');
  assert.deepEqual(await caps({ keepOwners: true }), [CAP_NET_RAW]);
  assert.deepEqual(await caps({}), ['-']);
  assert.deepEqual(await caps({ keepOwners: true, owner: { uid: 0, gid: 0 } }), ['-']);
  // A file copied alone goes without (docker's single-file tar has no xattrs).
  const alone = await copy(['capdir/ping'], { dest: '/p', keepOwners: true });
  assert.equal(alone[0]?.header.xattrs.has('security.capability'), false);
});

test('--chmod sets files and directories, not symlinks', async () => {
  const modes = (await copy(['sub'], { dest: '/app', mode: 0o750 })).map((e) => `${e.header.name} ${(e.header.mode & 0o7777).toString(8)}`);
  assert.deepEqual(modes, ['app/c.txt 750', 'app/deep/ 750', 'app/deep/d.txt 750', 'app/deep/hard.txt 750', 'app/deep/rel 777']);
});

test('directories the image lacks get entries as docker makes them; those it has, none', async () => {
  const none = { dest: 'none', deepestDir: '/' } as const;
  // A new dest for a directory: 0755, the --chown user's; its missing parents root's.
  assert.deepEqual(summary(await copy(['empty'], { dest: '/new', inImage: none, owner: { uid: 3, gid: 4 } })), ['directory new/ 755 3:4']);
  assert.deepEqual(summary(await copy(['empty'], { dest: '/a/b/new', inImage: { dest: 'none', deepestDir: '/a' }, owner: { uid: 3, gid: 4 } })), ['directory a/b/ 755 0:0', 'directory a/b/new/ 755 3:4']);
  // A file's missing parents are the --chown user's (dockerd 20.10: COPY --chown=5:6 a.txt /new/dir/x).
  assert.deepEqual(summary(await copy(['a.txt'], { dest: '/new/dir/x', inImage: none, owner: { uid: 5, gid: 6 } })), ['directory new/ 755 5:6', 'directory new/dir/ 755 5:6', 'file new/dir/x 640 5:6 =a']);
  assert.deepEqual(summary(await copy(['a.txt'], { dest: '/new/', destIsDir: true, inImage: none })), ['directory new/ 755 0:0', 'file new/a.txt 640 0:0 =a']);
  // There already, or not known: nothing for them (an existing /tmp keeps its 1777).
  assert.deepEqual(await copy(['empty'], { dest: '/tmp', inImage: { dest: 'dir', deepestDir: '/tmp' } }), []);
  assert.deepEqual(await copy(['empty'], { dest: '/tmp' }), []);
  // A file onto a directory of the image goes into it.
  assert.deepEqual(summary(await copy(['a.txt'], { dest: '/etc', inImage: { dest: 'dir', deepestDir: '/etc' } })), ['file etc/a.txt 640 0:0 =a']);
});

test('ADD: a local tar (gzip, xz) is unpacked into dest with the archive\'s owners and modes', async () => {
  for (const name of ['app.tar.gz', 'app.tar.xz']) {
    assert.deepEqual(summary(await copy([name], { dest: '/srv', extractArchives: true, owner: { uid: 5, gid: 5 } })), [
      'directory srv/etc/ 700 7:0',
      'file srv/etc/app.conf 600 1234:99 =conf',
      'link srv/etc/again 644 0:0 -> srv/etc/app.conf', // a hard link's header as the archive wrote it
    ], name);
  }
});

test('ADD: an archive makes its new dest and parents as root, even with --chown (dockerd 20.10)', async () => {
  const made = summary(await copy(['app.tar.gz'], { dest: '/opt/srv', extractArchives: true, owner: { uid: 5, gid: 6 }, inImage: { dest: 'none', deepestDir: '/' } }));
  assert.deepEqual(made.slice(0, 3), ['directory opt/ 755 0:0', 'directory opt/srv/ 755 0:0', 'directory opt/srv/etc/ 700 7:0']);
});

test('ADD: what is not a tar is copied as a file; COPY never unpacks', async () => {
  assert.deepEqual(summary(await copy(['notes.tar'], { dest: '/n', extractArchives: true })), ['file n 644 0:0 =not a tar at all']);
  const copied = await copy(['app.tar.gz'], { dest: '/a.tgz' });
  assert.deepEqual(copied.map((e) => e.header.name), ['a.tgz']);
});

test('ADD: an archive\'s names are read from dest as from a root: "../../x" and "/x" land in dest (dockerd 20.10)', async () => {
  assert.deepEqual(summary(await copy(['bad.tar'], { dest: '/srv', extractArchives: true })), ['file srv/escape 644 0:0 =x', 'link srv/hard 644 0:0 -> srv/escape', 'file srv/etc/abs 644 0:0 =abs']);
});

test('the existing unpacker (docker cp\'s) lays the tar out as docker would', async () => {
  const target = mkdtempSync(join(tmpdir(), 'berth-copytar-root-'));
  try {
    mkdirSync(join(target, 'tmp'), { mode: 0o1777 });
    chmodSync(join(target, 'tmp'), 0o1777);
    const entries = await matchSources(view, ['sub', 'a.txt'], { allowWildcards: false });
    await unpack(new FsView(target), '/', copyTar(view, entries, { ...base, dest: '/tmp/', destIsDir: true, inImage: { dest: 'dir', deepestDir: '/tmp' }, owner: { uid: 5, gid: 6 } })());
    assert.equal(statSync(join(target, 'tmp')).mode & 0o7777, 0o1777, 'an existing dest keeps its mode');
    assert.equal(readFileSync(join(target, 'tmp/deep/d.txt'), 'utf8'), 'd');
    assert.equal(readlinkSync(join(target, 'tmp/deep/rel')), '../c.txt');
    assert.equal(statSync(join(target, 'tmp/deep/hard.txt')).ino, statSync(join(target, 'tmp/c.txt')).ino);
    assert.deepEqual([statSync(join(target, 'tmp/a.txt')).uid, statSync(join(target, 'tmp/a.txt')).gid], [5, 6]);
    const fresh = await matchSources(view, ['empty'], { allowWildcards: false });
    await unpack(new FsView(target), '/', copyTar(view, fresh, { ...base, dest: '/srv/new', inImage: { dest: 'none', deepestDir: '/' } })());
    assert.ok(statSync(join(target, 'srv/new')).isDirectory(), 'an empty directory still makes its new dest');
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
});

test('the tar can be read again (each call a new stream)', async () => {
  const entries = await matchSources(view, ['a.txt'], { allowWildcards: false });
  const make = copyTar(view, entries, { ...base, dest: '/a' });
  assert.deepEqual(await readEntries(make()), await readEntries(make()));
});

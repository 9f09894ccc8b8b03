// docker diff's rules on hand-made trees: an overlay upper dir (whiteout devices, an opaque
// directory, copied-up files) against an image tree, and a vfs-style full copy against it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rwChanges, withoutRuntimeMountpoints } from './rw-changes.ts';

let dir: string;
let image: string;
const T = new Date('2020-01-01T00:00:00Z');
const CAP = '0x0100000200200000000000000000000000000000'; // cap_net_raw+ep

function file(path: string, text: string): void {
  writeFileSync(path, text);
  utimesSync(path, T, T);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-rwchanges-'));
  image = join(dir, 'image');
  for (const d of ['etc', 'usr/lib', 'var/cache', 'bin']) mkdirSync(join(image, d), { recursive: true });
  file(join(image, 'etc', 'passwd'), 'root\n');
  file(join(image, 'etc', 'group'), 'root\n');
  file(join(image, 'usr', 'lib', 'a'), 'a');
  file(join(image, 'var', 'cache', 'c'), 'c');
  file(join(image, 'bin', 'ping'), 'ping');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const lines = (changes: { Path: string; Kind: number }[]) => changes.map((c) => `${'CAD'[c.Kind]} ${c.Path}`);

test('overlay upper: whiteouts delete, opaque dirs hide the image, copy-ups compare by stat and caps', async () => {
  const upper = join(dir, 'upper');
  for (const d of ['etc', 'usr', 'var/cache', 'tmp/new', 'bin']) mkdirSync(join(upper, d), { recursive: true });
  execFileSync('mknod', [join(upper, 'etc', 'group'), 'c', '0', '0']); // rm /etc/group
  file(join(upper, 'etc', 'passwd'), 'root\n'); // copied up, same size and mtime: unchanged
  file(join(upper, 'tmp', 'new', 'f'), 'new');
  execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'var', 'cache')]); // rm -rf /var/cache/*
  file(join(upper, 'var', 'cache', 'd'), 'd');
  execFileSync('mknod', [join(upper, 'usr', 'lib'), 'c', '0', '0']); // rm -rf /usr/lib
  cpSync(join(image, 'bin', 'ping'), join(upper, 'bin', 'ping'), { preserveTimestamps: true });
  execFileSync('setfattr', ['-n', 'security.capability', '-v', CAP, join(upper, 'bin', 'ping')]); // setcap
  assert.deepEqual(lines(await rwChanges({ kind: 'overlay', upper }, image)), [
    'C /bin', 'C /bin/ping',
    'C /etc', 'D /etc/group',
    'A /tmp', 'A /tmp/new', 'A /tmp/new/f',
    'C /usr', 'D /usr/lib',
    'C /var', 'C /var/cache', 'D /var/cache/c', 'A /var/cache/d',
  ]);
  // An image without layers: everything is new; a whiteout for nothing reports nothing.
  assert.deepEqual(lines(await rwChanges({ kind: 'overlay', upper: join(upper, 'usr') }, undefined)), []);
});

test('full copy (vfs): both trees walked, directories compared without size and mtime', async () => {
  const copy = join(dir, 'copy');
  cpSync(image, copy, { recursive: true, preserveTimestamps: true });
  unlinkSync(join(copy, 'etc', 'group'));
  file(join(copy, 'etc', 'passwd'), 'root\nbob\n');
  rmSync(join(copy, 'usr', 'lib'), { recursive: true });
  rmdirSync(join(copy, 'usr'));
  chmodSync(join(copy, 'var'), 0o700);
  mkdirSync(join(copy, 'home', 'bob'), { recursive: true });
  assert.deepEqual(lines(await rwChanges({ kind: 'full', dir: copy }, image)), [
    'C /etc', 'D /etc/group', 'C /etc/passwd',
    'A /home', 'A /home/bob',
    'D /usr',
    'C /var',
  ]);
  assert.deepEqual(lines(await rwChanges({ kind: 'full', dir: image }, image)), []);
});

test('the runtime\'s empty /dev, /proc and /sys mountpoints are not changes (dockerd\'s init layer holds them)', async () => {
  const upper = join(dir, 'mountpoints');
  for (const d of ['dev', 'proc', 'sys/x', 'etc']) mkdirSync(join(upper, d), { recursive: true });
  file(join(upper, 'etc', 'motd'), 'hi\n');
  const changes = withoutRuntimeMountpoints(await rwChanges({ kind: 'overlay', upper }, image));
  // /sys is not empty (something was copied into it while stopped): listed, as dockerd would.
  assert.deepEqual(lines(changes), ['C /etc', 'A /etc/motd', 'A /sys', 'A /sys/x']);
});

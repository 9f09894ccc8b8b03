// User resolution against a rootfs's /etc/passwd and /etc/group, and reads that stay inside it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInRoot } from './rootfs-path.ts';
import { resolveUser } from './user.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function rootfs(files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-user-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  for (const [p, target] of Object.entries(links)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    symlinkSync(target, join(root, p));
  }
  return root;
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\n# comment\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:100::/home/bob:/bin/sh\n';
const GROUP = 'root:x:0:\nusers:x:100:alice\nalice:x:1000:\ndocker:x:999:alice,bob\n';
const std = rootfs({ 'etc/passwd': PASSWD, 'etc/group': GROUP });

test('names, ids and groups as moby/sys/user', () => {
  assert.deepEqual(resolveUser(std, ''), { uid: 0, gid: 0, home: '/root', additionalGids: [0] });
  assert.deepEqual(resolveUser(std, 'alice'), { uid: 1000, gid: 1000, home: '/home/alice', additionalGids: [1000, 100, 999] });
  assert.deepEqual(resolveUser(std, '1001'), { uid: 1001, gid: 100, home: '/home/bob', additionalGids: [100, 999] });
  // an explicit group: no supplementary groups
  assert.deepEqual(resolveUser(std, 'alice:docker').additionalGids, [999]);
  assert.deepEqual(resolveUser(std, 'bob:4242'), { uid: 1001, gid: 4242, home: '/home/bob', additionalGids: [4242] });
  // numeric ids need no entries
  assert.deepEqual(resolveUser(std, '5000:6000'), { uid: 5000, gid: 6000, home: '/', additionalGids: [6000] });
  assert.deepEqual(resolveUser(std, '5000'), { uid: 5000, gid: 0, home: '/', additionalGids: [0] });
  assert.deepEqual(resolveUser(std, 'bob', ['users', '77']).additionalGids, [100, 999, 77]);
});

test('unknown names are invalid parameters with moby texts', () => {
  assert.throws(() => resolveUser(std, 'mallory'), (e: Error & { kind?: string }) =>
    e.kind === 'invalid-parameter' && e.message === 'unable to find user mallory: no matching entries in passwd file');
  assert.throws(() => resolveUser(std, 'alice:wheel'), /unable to find group wheel: no matching entries in group file/);
  assert.throws(() => resolveUser(std, 'bob', ['wheel']), /unable to find group wheel/);
  assert.throws(() => resolveUser(std, '4294967296'), /uids and gids must be in range 0-2147483647/);
  // no passwd file at all: numeric users still work, names do not
  const empty = rootfs({ 'bin/sh': '' });
  assert.deepEqual(resolveUser(empty, ''), { uid: 0, gid: 0, home: '/', additionalGids: [0] });
  assert.throws(() => resolveUser(empty, 'root'), /unable to find user root/);
});

test('a symlinked /etc/passwd cannot reach the host', () => {
  const hostDir = rootfs({ 'passwd': 'hostonly:x:4242:4242::/:/bin/sh\n' });
  const hostFile = join(hostDir, 'passwd');
  // absolute target: means the rootfs's own path of that name, which does not exist
  const abs = rootfs({ 'etc/group': GROUP }, { 'etc/passwd': hostFile });
  assert.throws(() => resolveUser(abs, 'hostonly'), /unable to find user hostonly: no matching entries in passwd file/);
  // relative target climbing out: `..` stops at the rootfs
  const rel = rootfs({}, { 'etc/passwd': `../../../../../../../..${hostFile}` });
  assert.throws(() => resolveUser(rel, 'hostonly'), /unable to find user hostonly/);
  // a symlinked /etc directory too
  const dir = rootfs({}, { etc: hostDir });
  assert.throws(() => resolveUser(dir, 'hostonly'), /unable to find user hostonly/);
  // links that stay inside the rootfs are followed there
  const inside = rootfs({ 'usr/lib/passwd': 'svc:x:300:300::/:/bin/sh\n' }, { 'etc/passwd': '/usr/lib/passwd' });
  assert.equal(resolveUser(inside, 'svc').uid, 300);
  const loop = rootfs({}, { 'etc/passwd': '/etc/passwd' });
  assert.throws(() => resolveInRoot(loop, '/etc/passwd'), /too many links/);
  assert.equal(resolveInRoot(inside, '/etc/../../etc/passwd'), join(inside, 'usr/lib/passwd'));
});

// The POST /build body into a context directory: every compression docker accepts, entries
// kept inside, links kept as links, devices refused, the Dockerfile found where dockerd finds
// it (or its error), and .dockerignore (with "!" exceptions, or <Dockerfile>.dockerignore)
// applied to what was received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { receiveContext } from './receive.ts';
import { tarBytes } from './tar-fixture.ts';
import { until, within } from '../../testing/until.ts';

let scratch: string;
before(() => (scratch = mkdtempSync(join(tmpdir(), 'berth-receive-'))));
after(() => {
  // Every context disposed: nothing is left in the scratch directory.
  const left = readdirSync(scratch);
  rmSync(scratch, { recursive: true, force: true });
  assert.deepEqual(left, []);
});

function compress(tar: Buffer, cmd: string): Buffer {
  const r = spawnSync(cmd, ['-c'], { input: tar, maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, `${cmd} is needed (Debian packages bzip2, xz-utils): ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

const DOCKERFILE = 'FROM scratch\nCOPY . /\n';
const signal = new AbortController().signal;
const receive = (tar: Buffer, dockerfile = '') => receiveContext(Readable.from([tar]), { dockerfile, scratchDir: scratch, signal });

function files(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel)).sort().flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    return lstatSync(join(root, r)).isDirectory() ? [`${r}/`, ...files(root, r)] : [r];
  });
}

test('plain, gzip, bzip2 and xz bodies give the same context', async () => {
  const tar = await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }, { name: 'src/app.txt', body: 'app' }]);
  for (const [kind, body] of [['plain', tar], ['gzip', gzipSync(tar)], ['bzip2', compress(tar, 'bzip2')], ['xz', compress(tar, 'xz')]] as const) {
    const ctx = await receive(body);
    try {
      assert.deepEqual(ctx.dockerfile, { name: 'Dockerfile', text: DOCKERFILE }, kind);
      assert.deepEqual(files(ctx.root.root), ['Dockerfile', 'src/', 'src/app.txt'], kind);
    } finally {
      await ctx.dispose();
    }
  }
});

test('links stay links, even to the host\'s paths; no entry lands outside', async () => {
  const ctx = await receive(await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }, { name: 'passwd', type: 'symlink', linkname: '/etc/passwd' }, { name: 'up', type: 'symlink', linkname: '../../..' }]));
  try {
    assert.equal(readlinkSync(join(ctx.root.root, 'passwd')), '/etc/passwd');
    assert.equal(readlinkSync(join(ctx.root.root, 'up')), '../../..');
  } finally {
    await ctx.dispose();
  }
  // Names climbing out are read from the context's root, as dockerd's chrooted untar does.
  const ctx3 = await receive(await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }, { name: '../../escaped', body: 'x' }, { name: '/abs/f', body: 'f' }, { name: 'h', type: 'link', linkname: '../../escaped' }]));
  try {
    assert.deepEqual(files(ctx3.root.root), ['Dockerfile', 'abs/', 'abs/f', 'escaped', 'h']);
    assert.equal(lstatSync(join(ctx3.root.root, 'h')).ino, lstatSync(join(ctx3.root.root, 'escaped')).ino);
  } finally {
    await ctx3.dispose();
  }
  assert.equal(existsSync(join(scratch, 'escaped')), false);
  // Through a link the tar made itself: unpack follows it inside the context only.
  const ctx2 = await receive(await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }, { name: 'out', type: 'symlink', linkname: '/' }, { name: 'out/x', body: 'x' }]));
  try {
    assert.equal(readFileSync(join(ctx2.root.root, 'x'), 'utf8'), 'x');
  } finally {
    await ctx2.dispose();
  }
});

test('a device node in the context is refused before it is made', async () => {
  const tar = await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }, { name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }]);
  await assert.rejects(receive(tar), { kind: 'invalid-parameter', message: /files, directories and links only: "null" is a char/ });
});

test('the Dockerfile: a path in the context, absolute means the context\'s root, "dockerfile" fallback', async () => {
  const tar = await tarBytes([{ name: 'sub/Build.df', body: 'FROM sub' }, { name: 'dockerfile', body: 'FROM lower' }]);
  for (const [given, name, text] of [['sub/Build.df', 'sub/Build.df', 'FROM sub'], ['/sub/Build.df', '/sub/Build.df', 'FROM sub'], ['', 'dockerfile', 'FROM lower'], ['Dockerfile', 'dockerfile', 'FROM lower']]) {
    const ctx = await receive(tar, given);
    try {
      assert.deepEqual(ctx.dockerfile, { name, text }, given);
    } finally {
      await ctx.dispose();
    }
  }
});

test('the Dockerfile missing or outside the context: dockerd\'s messages, and nothing left behind', async () => {
  const tar = await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }]);
  await assert.rejects(receive(tar, 'nosuch'), { kind: 'invalid-parameter', message: 'Cannot locate specified Dockerfile: nosuch' });
  await assert.rejects(receive(tar, '../Dockerfile'), { kind: 'invalid-parameter', message: 'forbidden path outside the build context: ../Dockerfile ()' });
  await assert.rejects(receive(await tarBytes([{ name: 'x', body: '' }])), { message: 'Cannot locate specified Dockerfile: Dockerfile' });
  await assert.rejects(receive(Buffer.alloc(0)), { message: 'Cannot locate specified Dockerfile: Dockerfile' });
});

test('.dockerignore: files, directories, "!" exceptions below an ignored directory; the Dockerfile still read', async () => {
  const tar = await tarBytes([
    { name: 'Dockerfile', body: DOCKERFILE },
    { name: '.dockerignore', body: '# comment\n*.log\nnode_modules\nDockerfile\n.dockerignore\ndocs\n!docs/keep.md\n' },
    { name: 'app.js', body: 'js' }, { name: 'debug.log', body: 'log' }, { name: 'sub/debug.log', body: 'deeper: kept' },
    { name: 'node_modules/x/index.js', body: 'x' },
    { name: 'docs/keep.md', body: 'kept' }, { name: 'docs/drop.md', body: 'dropped' }, { name: 'docs/empty/', type: 'directory' },
  ]);
  const ctx = await receive(tar);
  try {
    assert.equal(ctx.dockerfile.text, DOCKERFILE);
    assert.deepEqual(files(ctx.root.root), ['app.js', 'docs/', 'docs/keep.md', 'sub/', 'sub/debug.log']);
  } finally {
    await ctx.dispose();
  }
});

test('<Dockerfile>.dockerignore beside the Dockerfile wins over the context\'s .dockerignore', async () => {
  const tar = await tarBytes([
    { name: 'build/app.Dockerfile', body: DOCKERFILE }, { name: 'build/app.Dockerfile.dockerignore', body: 'b.txt\n' },
    { name: '.dockerignore', body: 'a.txt\n' }, { name: 'a.txt', body: 'a' }, { name: 'b.txt', body: 'b' },
  ]);
  const ctx = await receive(tar, 'build/app.Dockerfile');
  try {
    assert.deepEqual(files(ctx.root.root), ['.dockerignore', 'a.txt', 'build/', 'build/app.Dockerfile', 'build/app.Dockerfile.dockerignore']);
  } finally {
    await ctx.dispose();
  }
});

test('a body that is not a tar: a 400 saying so', async () => {
  await assert.rejects(receive(Buffer.from('FROM scratch\n')), { kind: 'invalid-parameter', message: 'the build context is not a valid tar archive: unexpected end of stream' });
  await assert.rejects(receive(Buffer.alloc(2048, 7)), { kind: 'invalid-parameter', message: /^the build context is not a valid tar archive: header checksum mismatch/ });
});

test('a build cancelled while the context arrives stops and leaves nothing', async () => {
  const stop = new AbortController();
  stop.abort(new Error('cancelled'));
  const tar = await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }]);
  await assert.rejects(receiveContext(Readable.from([tar]), { dockerfile: '', scratchDir: scratch, signal: stop.signal }), /cancelled/);
});

test('a build cancelled while the client has stopped sending ends at once (plain, gzip, xz), no xz left', async () => {
  const tar = await tarBytes([{ name: 'Dockerfile', body: DOCKERFILE }, { name: 'big', body: 'x'.repeat(100_000) }]);
  for (const body of [tar, gzipSync(tar), compress(tar, 'xz')]) {
    const stop = new AbortController();
    // Part of the body, then silence: the connection stays open.
    const stalled = new Readable({ read() {} });
    stalled.push(body.subarray(0, body.length / 2));
    const pending = receiveContext(stalled, { dockerfile: '', scratchDir: scratch, signal: stop.signal });
    setTimeout(() => stop.abort(new Error('client went quiet')), 200);
    await assert.rejects(within('the cancelled receive', pending, 5000), /client went quiet/);
  }
  await until('the xz the receive started has exited', () => childrenNamed('xz').length === 0);
});

/** This process's children running `name` (by /proc, so no other process is looked at twice). */
function childrenNamed(name: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return comm === name && ppid === process.pid ? [Number(p)] : [];
    } catch {
      return []; // gone while we looked
    }
  });
}

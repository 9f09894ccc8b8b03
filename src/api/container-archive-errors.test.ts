// docker cp's archive routes refuse what cannot be done with a 400 that names container paths
// only (dockerd 20.10 answers these with 500 and, for a bad path, its data-root in the text):
// tar entries that climb out of the destination, hard links to what is not there, names too
// long, NUL bytes in a tar name or in `?path=`, bodies that are not tars. Nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';

const f = useBusyboxDaemon({
  setup: async (fx) => {
    const api = fx.d.client().api;
    await api.json('POST', '/containers/create', { query: { name: 'target' }, body: { Image: 'busybox', Cmd: ['sleep', '600'] } });
    await api.request('POST', '/containers/target/start');
  },
});

interface Answer {
  status: number;
  body: string;
}

function send(method: string, path: string, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'Content-Type': 'application/x-tar' } : {};
    const req = http.request({ socketPath: f.d.socket, method, path: `/v1.56${path}`, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

type Entry = { name: string; type?: 'file' | 'symlink' | 'link'; linkname?: string; pax?: Record<string, string> };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', mode: 0o644, mtime: new Date(0), ...(e.linkname && { linkname: e.linkname }), ...(e.pax && { pax: e.pax }) }, e.type ? '' : 'x');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as Readable) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function assertRefused(a: Answer, message: string, what: string): void {
  assert.equal(a.status, 400, `${what}: ${a.body}`);
  const got = JSON.parse(a.body) as { message: string };
  assert.equal(got.message, message, what);
  assert.ok(!got.message.includes(f.d.dir), `${what}: no host path`);
}

test('PUT archive: tars that climb out, link to nothing or break the rules are 400 without host paths', async () => {
  const cases: [string, Entry[], string][] = [
    ['../ entry', [{ name: '../../../../tmp/escaped' }], '"../../../../tmp/escaped" is outside of "/tmp"'],
    ['climbing inner ..', [{ name: 'a/../../escaped' }], '"a/../../escaped" is outside of "/tmp"'],
    ['hard link to a host path', [{ name: 'h', type: 'link', linkname: '/etc/shadow' }], 'link /tmp/etc/shadow /tmp/h: no such file or directory'],
    ['hard link climbing out', [{ name: 'h', type: 'link', linkname: '../../../../etc/shadow' }], 'invalid hardlink "/etc/shadow" -> "../../../../etc/shadow"'],
    ['symlink climbing out', [{ name: 's', type: 'symlink', linkname: '../../../../etc' }], 'invalid symlink "/tmp/s" -> "../../../../etc"'],
    ['file as a parent', [{ name: 'plain' }, { name: 'plain/child' }], 'open /tmp/plain/child: not a directory'],
    ['name too long', [{ name: `a/${'x'.repeat(300)}` }], `lstat /tmp/a/${'x'.repeat(300)}: file name too long`],
    ['NUL in a PAX name', [{ name: 'ok', pax: { path: 'nul\0x' } }], 'invalid tar header: "nul\\u0000x" names a NUL byte'],
  ];
  for (const [what, entries, message] of cases) {
    assertRefused(await send('PUT', '/containers/target/archive?path=/tmp', await tarOf(entries)), message, what);
  }
  const garbage = await send('PUT', '/containers/target/archive?path=/tmp', Buffer.alloc(3000, 'z'));
  assert.equal(garbage.status, 400, garbage.body);
  const badGzip = await send('PUT', '/containers/target/archive?path=/tmp', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(200, 7)]));
  assert.equal(badGzip.status, 400, badGzip.body);
  for (const name of ['escaped', 'h', 's', 'ok']) {
    assert.equal((await send('HEAD', `/containers/target/archive?path=/tmp/${name}`)).status, 404, `/tmp/${name} was not written`);
  }
});

test('a NUL in ?path= is a 400 on HEAD, GET and PUT archive', async () => {
  const tar = await tarOf([{ name: 'f' }]);
  for (const method of ['HEAD', 'GET', 'PUT']) {
    const a = await send(method, '/containers/target/archive?path=/tmp%00x', method === 'PUT' ? tar : undefined);
    assert.equal(a.status, 400, method);
    if (method !== 'HEAD') assertRefused(a, 'lstat /tmp\0x: invalid argument', method);
  }
});

test('a path too long to stat is a 400 on HEAD, GET and PUT archive', async () => {
  const long = `/tmp/${'y'.repeat(5000)}`;
  for (const method of ['HEAD', 'GET', 'PUT']) {
    const a = await send(method, `/containers/target/archive?path=${long}`, method === 'PUT' ? await tarOf([{ name: 'f' }]) : undefined);
    assert.equal(a.status, 400, `${method}: ${a.body}`);
    if (method !== 'HEAD') assertRefused(a, `lstat ${long}: file name too long`, method);
  }
});

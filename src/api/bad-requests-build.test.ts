// Build contexts that try to reach outside themselves, checked by what they would get: the
// corpus (bad-requests.test.ts) sees only that such a build is refused, this file that a build
// which goes on never puts a host file's content into the image, never writes outside its
// context, and that stages naming themselves or each other end, with an error, in a bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { tarOfEntries, type TarEntry } from '../testing/tar-files.ts';

const f = useBusyboxDaemon();
/** A host file no image may ever hold, and a host directory no build may write into. */
const SECRET = `corpus-secret-${randomBytes(12).toString('hex')}`;
const hostDir = mkdtempSync(join(tmpdir(), 'berth-escape-'));
const secretFile = join(hostDir, 'secret.txt');
writeFileSync(secretFile, SECRET);
test.after(() => rmSync(hostDir, { recursive: true, force: true }));

type Entry = TarEntry;
const tarOf = tarOfEntries;

interface Built { status: number; error?: string; body: string }

/** POST /build of `context` as `tag`, read to its end (bounded: a build that hangs fails). */
function build(context: Buffer, tag: string): Promise<Built> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: f.d.socket, method: 'POST', path: `/v1.56/build?t=${tag}&rm=1`, headers: { 'Content-Type': 'application/x-tar' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        const lines = body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { error?: string; message?: string });
        const error = lines.find((l) => l.error)?.error ?? (res.statusCode !== 200 ? lines[0]?.message : undefined);
        resolve({ status: res.statusCode ?? 0, body, ...(error !== undefined && { error }) });
      });
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`build ${tag}: no end within 60 s`)));
    req.on('error', reject);
    req.end(context);
  });
}

/** The whole file system of an image, as `docker export` of a container made from it gives it. */
async function exported(image: string): Promise<Buffer> {
  const api = f.d.client().api;
  const { Id } = await api.json<{ Id: string }>('POST', '/containers/create', { body: { Image: image, Cmd: ['true'] } });
  try {
    const res = await api.request('GET', `/containers/${Id}/export`);
    return Buffer.concat((await res.toArray()) as Buffer[]);
  } finally {
    (await api.request('DELETE', `/containers/${Id}`)).resume();
  }
}

/** Up from a context's directory to "/" whatever the data-root's depth. */
const UP = '../'.repeat(30);

test("a link in the context never brings a host file's content into the image", async () => {
  const contexts: [string, Entry[]][] = [
    ['abs', [{ name: 'link', type: '2', linkname: secretFile }]],
    ['rel', [{ name: 'link', type: '2', linkname: `${UP}${secretFile.slice(1)}` }]],
    ['dir', [{ name: 'link', type: '2', linkname: hostDir }]],
    ['shadow', [{ name: 'link', type: '2', linkname: '/etc/shadow' }]],
  ];
  const steps = ['COPY link /got', 'COPY link/secret.txt /got2', 'ADD link /got3', 'COPY . /ctx/'];
  const refused: string[] = [];
  for (const [what, entries] of contexts) {
    for (const [i, step] of steps.entries()) {
      const tag = `escape-${what}-${i}`;
      const r = await build(tarOf([{ name: 'Dockerfile', data: `FROM busybox\n${step}\n` }, ...entries]), tag);
      assert.doesNotMatch(r.body, new RegExp(SECRET), `${tag}: the build's output`);
      if (r.error !== undefined) {
        // Refused: with a message that names the source, not the daemon's host paths.
        assert.doesNotMatch(r.error, new RegExp(f.d.dir), `${tag}: ${r.error}`);
        refused.push(tag);
        continue;
      }
      const fs = await exported(tag);
      assert.ok(!fs.includes(SECRET), `${tag}: the image holds the host file's content`);
      if (what === 'shadow' && existsSync('/etc/shadow')) assert.ok(!fs.includes('root:$') && !fs.includes('root:!') && !fs.includes('root:*'), `${tag}: /etc/shadow's content`);
    }
  }
  // "COPY link" of a link out is refused (not found in the context), as dockerd's classic builder.
  assert.ok(refused.includes('escape-abs-0') && refused.includes('escape-rel-0'), `refused: ${refused.join(', ')}`);
});

test('nothing of a context is written outside it: "..", absolute names, links to host directories', async () => {
  const buildRoot = join(f.d.dir, 'data', 'build');
  const contexts: [string, Entry[]][] = [
    ['dotdot', [{ name: '../escaped-dotdot.txt', data: 'x' }, { name: 'a/../../escaped-dotdot2.txt', data: 'x' }]],
    ['absolute', [{ name: `${hostDir}/escaped-abs.txt`, data: 'x' }]],
    ['through-link', [{ name: 'd', type: '2', linkname: hostDir }, { name: 'd/escaped-link.txt', data: 'x' }]],
    ['through-rel-link', [{ name: 'd', type: '2', linkname: `${UP}${hostDir.slice(1)}` }, { name: 'd/escaped-rel.txt', data: 'x' }]],
    ['hardlink-out', [{ name: 'h', type: '1', linkname: secretFile }]],
  ];
  for (const [what, entries] of contexts) {
    const r = await build(tarOf([{ name: 'Dockerfile', data: 'FROM busybox\nCOPY . /ctx/\n' }, ...entries]), `write-${what}`);
    assert.deepEqual(readdirSync(hostDir), ['secret.txt'], `${what}: written into the host directory (${r.error ?? 'built'})`);
    assert.ok(!existsSync(join(f.d.dir, 'data', 'escaped-dotdot.txt')) && !existsSync(join(buildRoot, 'escaped-dotdot.txt')), `${what}: written beside the context`);
    if (r.error === undefined) assert.ok(!(await exported(`write-${what}`)).includes(SECRET), `${what}: the host file's content in the image`);
  }
  // Every context is gone once its build is.
  assert.deepEqual(readdirSync(buildRoot).filter((n) => n.startsWith('context-')), []);
});

test('stages that name themselves or each other, and long FROM chains, end with an error or an image', async () => {
  const cases: [string, string, RegExp | undefined][] = [
    ['self', 'FROM self AS self\nRUN true\n', /./],
    ['cycle', 'FROM b AS a\nFROM a AS b\n', /./],
    ['copy-self', 'FROM busybox AS a\nCOPY --from=a /bin/sh /x\n', /./],
    ['copy-later', 'FROM busybox AS a\nCOPY --from=b /x /y\nFROM busybox AS b\nFROM a\n', /./],
    // A chain as long as a Dockerfile may be: built, each stage on the one before.
    ['chain', Array.from({ length: 1000 }, (_, i) => (i ? `FROM s${i} AS s${i + 1}\n` : 'FROM busybox AS s1\n')).join(''), undefined],
    ['nul', 'FROM busybox\nCOPY a\0b /c\n', /^Dockerfile:2: COPY failed: file not found in build context or excluded by \.dockerignore: stat a\0b: invalid argument$/],
  ];
  for (const [what, dockerfile, error] of cases) {
    const r = await build(tarOf([{ name: 'Dockerfile', data: dockerfile }]), `stages-${what}`);
    if (error) assert.match(r.error ?? '(built)', error, what);
    else assert.equal(r.error, undefined, what);
    if (r.error) assert.doesNotMatch(r.error, new RegExp(f.d.dir), `${what}: names the daemon's directories`);
    const ping = await f.d.client().api.request('GET', '/_ping');
    ping.resume();
    assert.equal(ping.statusCode, 200, `after ${what}`);
  }
});

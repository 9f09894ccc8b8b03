// docker load of the pre-1.10 `docker save` layout, and how load reports a bad archive, against
// a real berthd. The expected image ids were measured by loading the very same fixture
// archives (src/testing/legacy-archive.ts) into Debian's dockerd 20.10: the conversion of a
// v1 json to a modern config must give the same bytes. A bad archive is a 200 whose JSON
// stream carries the error (docker-py raises ImageLoadError, the docker CLI exits 1), and
// leaves no image, tag or layer behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { run } from '../../testing/run.ts';
import { busyboxLayer, idsFixture, IDS_REPOSITORIES, LEGACY_IDS, legacyArchive, smallLayer, tarOf } from '../../testing/legacy-archive.ts';

const PYTHON = '/usr/bin/python3';
let d: Berthd;
let dir: string;
before(async () => {
  d = await startBerthd();
  dir = mkdtempSync(join(tmpdir(), 'berth-legacy-'));
});
after(async () => {
  await d?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer { status: number; type: string; lines: { stream?: string; status?: string; id?: string; error?: string; errorDetail?: { message: string } }[]; text: string }

/** One request on berthd's socket, the body read whole. */
function call(method: string, path: string, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const json = res.headers['content-type'] === 'application/json' && res.statusCode === 200;
        const lines = json ? text.split('\r\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', lines, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const load = (archive: Buffer, query = '') => call('POST', `/v1.47/images/load${query}`, archive);
const loaded = (a: Answer) => a.lines.filter((l) => l.stream).map((l) => l.stream);
const json = async <T>(path: string) => JSON.parse((await call('GET', path)).text) as T;
const inspect = (name: string) => json<{ Id: string; Parent: string; RepoTags: string[]; RootFS: { Layers: string[] }; Config: { Cmd: string[] } }>(`/images/${name}/json`);
const ids = async (all: boolean) => (await json<{ Id: string }[]>(`/images/json?all=${all ? 1 : 0}`)).map((i) => i.Id).sort();
const layerDirs = () => readdirSync(join(d.dir, 'data', readdirSync(join(d.dir, 'data')).includes('overlay2') ? 'overlay2' : 'vfs/dir')).length;
const docker = (...args: string[]) => run('docker', args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: dir }, timeoutMs: 120_000 });
const sha = (hex: string) => `sha256:${hex}`;

/** Measured with dockerd 20.10.24 (docker load of the same bytes, then docker images -a). */
const DOCKERD_IDS = {
  raw: { base: sha('bd454d70c640f20bd7763409359c76bf6b6f858b48c0a9177b02a6f947ecd048'), one: sha('7610c543cb0bd16ac7847c69a93efbc88e5dff0d62b7cf3da196654a6ddd4aaa'), two: sha('07386a91c5b58b2b212bbd6d818c947236bf9196e1c1dc980c9f638ca8c7c85c') },
  old: { base: sha('a1e2ba124523bbe9ab064576fbdca69a0c96e0475cfa7a845d0c644c326ad614'), one: sha('d9d84b110f874f8db937335f30558be7b647f65c0360e0c52f390dea282f80a6'), two: sha('d860244ab6356142416859272f28db0480b071011275e12b48fd0b4e1df8f723') },
};

async function removeAll(): Promise<void> {
  for (const id of await ids(true)) await call('DELETE', `/images/${id}?force=1`);
  assert.deepEqual(await ids(true), [], 'every image removed');
}

for (const [kind, version] of [['raw', '1.9.1'], ['old', undefined]] as const) {
  test(`a legacy archive (docker_version ${version ?? 'absent'}) loads with dockerd's image ids, parents and tags`, async () => {
    const a = await load(await legacyArchive(await idsFixture(version), IDS_REPOSITORIES));
    assert.equal(a.status, 200);
    assert.deepEqual(loaded(a), ['Loaded image: example.com/team/legacy-ids:v1\n', 'Loaded image: legacy-ids:one\n', 'Loaded image: legacy-ids:two\n']);
    const want = DOCKERD_IDS[kind];
    const [one, two] = [await inspect('legacy-ids:one'), await inspect('legacy-ids:two')];
    assert.equal(one.Id, want.one);
    assert.equal(two.Id, want.two);
    assert.deepEqual(one.RepoTags.sort(), ['example.com/team/legacy-ids:v1', 'legacy-ids:one']);
    assert.equal(one.Parent, want.base, 'the shared base layer is an image of its own');
    assert.equal(two.Parent, want.base);
    assert.equal(one.RootFS.Layers.length, 2);
    assert.deepEqual(one.RootFS.Layers[0], two.RootFS.Layers[0]);
    assert.deepEqual(await ids(false), [want.two, want.one].sort(), 'the untagged parent is listed only with all');
    assert.deepEqual(await ids(true), [want.base, want.two, want.one].sort());
    const history = await json<{ Id: string }[]>('/images/legacy-ids:two/history');
    assert.deepEqual(history.map((h) => h.Id), [want.two, want.base], 'history names the parent image');
    await removeAll();
  });
}

test('parents of a legacy load are removed as dockerd removes them', async () => {
  await load(await legacyArchive(await idsFixture('1.9.1'), IDS_REPOSITORIES));
  const want = DOCKERD_IDS.raw;
  const byId = await call('DELETE', `/images/${want.base}?force=1`);
  assert.equal(byId.status, 409);
  assert.match(byId.text, /unable to delete bd454d70c640 \(cannot be forced\) - image has dependent child images/);
  assert.equal((await call('POST', '/images/prune')).status, 200);
  assert.ok((await ids(true)).includes(want.base), 'a dangling-image prune leaves a parent with children');
  for (const name of ['legacy-ids:one', 'example.com/team/legacy-ids:v1']) assert.equal((await call('DELETE', `/images/${name}`)).status, 200);
  assert.ok((await ids(true)).includes(want.base), 'the parent stays while it has a child');
  const last = JSON.parse((await call('DELETE', '/images/legacy-ids:two')).text) as { Untagged?: string; Deleted?: string }[];
  assert.deepEqual(last.filter((r) => r.Deleted?.startsWith('sha256:') && [want.two, want.base].includes(r.Deleted)).map((r) => r.Deleted), [want.two, want.base]);
  assert.deepEqual(await ids(true), []);
});

test('a legacy busybox image runs, and saves again in the modern layout', async () => {
  const base = 'ba5e'.repeat(16);
  const child = 'c41d'.repeat(16);
  const archive = await legacyArchive([
    { id: base, json: `{"id":"${base}","created":"2014-06-01T00:00:00Z","container_config":{"Cmd":["/bin/sh","-c","#(nop) ADD busybox"]},"config":{"Cmd":["sh"]},"os":"linux"}`, layer: await busyboxLayer() },
    { id: child, json: `{"id":"${child}","parent":"${base}","created":"2014-06-02T00:00:00Z","docker_version":"1.0.0","container_config":{"Cmd":["/bin/sh","-c","echo legacy \\u003e /etc/legacy"]},"config":{"Cmd":["cat","/etc/legacy"],"Env":["PATH=/bin"]},"architecture":"amd64","os":"linux"}`, layer: await smallLayer({ 'etc/legacy': 'hello from 2014\n' }) },
  ], { 'legacy-bb': { latest: child } });
  const file = join(dir, 'legacy-bb.tar');
  writeFileSync(file, archive);
  const out = await docker('load', '-i', file);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, 'Loaded image: legacy-bb:latest\n');
  const ran = await docker('run', '--rm', 'legacy-bb');
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, 'hello from 2014\n');
  const img = await inspect('legacy-bb');
  const saved = join(dir, 'saved.tar');
  assert.equal((await docker('save', '-o', saved, 'legacy-bb')).code, 0);
  const listing = (await run('tar', ['-tf', saved])).stdout.split('\n');
  for (const name of ['manifest.json', 'index.json', 'oci-layout', `blobs/sha256/${img.Id.slice(7)}`]) assert.ok(listing.includes(name), `${name} in the saved archive`);
  assert.ok(!listing.includes(`${child}/json`), 'no legacy layer directories');
  await removeAll();
  const again = await docker('load', '-i', saved);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await inspect('legacy-bb')).Id, img.Id, 'the saved archive loads to the same id');
  await removeAll();
});

test('an archive with manifest.json and the legacy files is read by its manifest.json', async () => {
  const layers = await idsFixture('1.9.1');
  const diffId = `sha256:${(await import('node:crypto')).createHash('sha256').update(layers[0]!.layer as Buffer).digest('hex')}`;
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['modern'] }, rootfs: { type: 'layers', diff_ids: [diffId] } }));
  const archive = await legacyArchive(layers, IDS_REPOSITORIES, {
    'modern.json': config,
    'manifest.json': JSON.stringify([{ Config: 'modern.json', RepoTags: ['both:modern'], Layers: [`${LEGACY_IDS.base}/layer.tar`] }]),
  });
  assert.deepEqual(loaded(await load(archive)), ['Loaded image: both:modern\n']);
  assert.deepEqual((await inspect('both:modern')).Config.Cmd, ['modern']);
  assert.equal((await call('GET', '/images/legacy-ids:one/json')).status, 404, 'the legacy tags are not read');
  await removeAll();
});

test('quiet is true unless given; progress shows legacy layers under their v1 ids', async () => {
  const archive = await legacyArchive(await idsFixture('1.9.1'), IDS_REPOSITORIES);
  const quiet = await load(archive);
  assert.ok(!quiet.lines.some((l) => l.status), 'no progress without quiet=0');
  await removeAll();
  const loud = await load(archive, '?quiet=0');
  const progress = new Set(loud.lines.filter((l) => l.status === 'Loading layer').map((l) => l.id));
  assert.deepEqual([...progress].sort(), Object.values(LEGACY_IDS).map((id) => id.slice(0, 12)).sort());
  await removeAll();
});

test('a bad archive is a 200 with the error in the stream, and leaves nothing behind', async () => {
  const L = await idsFixture('1.9.1');
  const [base, one] = [L[0]!, L[1]!];
  const fifo = await fifoLayer();
  const cases: [string, Buffer, RegExp][] = [
    ['abc', Buffer.from('abc'), /^invalid archive: unexpected end of stream$/],
    ['empty tar', await tarOf({}), /does not contain a manifest.json \(nor an index.json or the repositories file of the legacy layout\)/],
    ['unknown tag target', await legacyArchive(L, { x: { y: 'nope' } }), /repositories tags "nope", which is not a layer directory/],
    ['missing parent', await legacyArchive([one], {}), /layer "b2b2.*" names parent "a1a1.*", which is not a layer directory of the archive/],
    ['parent loop', await legacyArchive([{ ...base, json: `{"parent":"${one.id}"}` }, one], {}), /the parent chain of layer "a1a1.*" loops back to "a1a1/],
    ['bad created', await legacyArchive([{ ...base, json: '{"created":5}' }], {}), /legacy image config a1a1.*\/json created must be a string/],
    ['bad time', await legacyArchive([{ ...base, json: '{"created":"yesterday"}' }], {}), /"yesterday" is not an RFC 3339 time/],
    ['windows', await legacyArchive([{ ...base, json: '{"os":"windows"}' }], {}), /image operating system "windows" cannot be used on this platform/],
    ['no layer.tar', await tarOf({ [`${base.id}/json`]: base.json, repositories: '{}' }), /layer "a1a1.*\/layer.tar" is not in the archive/],
    ['stray directory', await legacyArchive(L, {}, { 'notes/readme': 'hi' }), /directory "notes" has no json file/],
    ['bad repository', await legacyArchive(L, { 'Bad Name': { x: one.id } }), /repositories names repository "Bad Name"/],
    ['child layer refused', await legacyArchive([base, { ...one, layer: fifo }], { x: { y: one.id } }), /fifo device nodes are not allowed/],
  ];
  const layersBefore = layerDirs();
  for (const [what, archive, want] of cases) {
    const a = await load(archive);
    assert.equal(a.status, 200, what);
    assert.equal(a.type, 'application/json', what);
    const last = a.lines.at(-1);
    assert.ok(last?.errorDetail, `${what}: the stream ends with an error: ${a.text}`);
    assert.equal(last.error, last.errorDetail.message);
    assert.match(last.error!, want, what);
    assert.ok(!last.error!.includes(d.dir), `${what}: no host path in the message`);
    assert.deepEqual(await ids(true), [], `${what}: no image left`);
    assert.equal(layerDirs(), layersBefore, `${what}: no layer left`);
  }
});

async function fifoLayer(): Promise<Buffer> {
  const { pack } = await import('tar-stream');
  const p = pack();
  p.entry({ name: 'p', type: 'fifo', mtime: new Date(0) });
  p.finalize();
  const out: Buffer[] = [];
  for await (const c of p) out.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(out);
}

test('only bad query values are refused before the stream, with a status', async () => {
  const archive = await tarOf({});
  const bad = await call('POST', '/v1.48/images/load?platform=notjson', archive);
  assert.equal(bad.status, 400);
  assert.match(bad.text, /failed to parse platform/);
  const noArch = await call('POST', `/v1.48/images/load?platform=${encodeURIComponent('{"os":"linux"}')}`, archive);
  assert.equal(noArch.status, 400);
  assert.match(noArch.text, /both OS and Architecture must be provided/);
  const two = encodeURIComponent('{"os":"linux","architecture":"amd64"}');
  const many = await call('POST', `/v1.51/images/load?platform=${two}&platform=${two}`, archive);
  assert.equal(many.status, 400);
  assert.match(many.text, /multiple platform parameters are not supported in this API version/);
  assert.equal((await call('POST', '/v1.47/images/load?platform=notjson', archive)).status, 200, 'before API 1.48 the parameter is not read');
  assert.equal((await call('GET', '/images/load')).status, 404);
});

test('docker-py raises ImageLoadError for a bad archive and returns the images of a legacy one', async () => {
  const file = join(dir, 'legacy-ids.tar');
  writeFileSync(file, await legacyArchive(await idsFixture('1.9.1'), IDS_REPOSITORIES));
  const script = String.raw`
import docker, json, sys
c = docker.from_env()
out = {}
try:
    c.images.load(b'abc')
    out['bad'] = 'no error'
except docker.errors.ImageLoadError as e:
    out['bad'] = str(e)
with open(sys.argv[1], 'rb') as f:
    out['legacy'] = sorted(t for i in c.images.load(f.read()) for t in i.tags)
print(json.dumps(out))
`;
  const r = await run(PYTHON, ['-c', script, file], { env: { DOCKER_HOST: d.host }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    bad: 'invalid archive: unexpected end of stream',
    legacy: ['example.com/team/legacy-ids:v1', 'example.com/team/legacy-ids:v1', 'legacy-ids:one', 'legacy-ids:one', 'legacy-ids:two'],
  });
  await removeAll();
});

test('the docker CLI prints the error of a bad archive and exits 1', async () => {
  const file = join(dir, 'abc.tar');
  writeFileSync(file, 'abc');
  const r = await docker('load', '-i', file);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /invalid archive: unexpected end of stream/);
});

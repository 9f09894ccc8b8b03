// docker save / docker load against a real berthd: round trips keep ids, tags and diffIDs; the
// archive is a plain tar whose blobs hash to their names; docker's old layout, gzip and OCI-only
// archives load; malicious archives are refused with nothing left behind. The real docker CLI
// round trip runs where the docker command is installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { run } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';
import type { ApiClient } from '../../client/api-client.ts';
import { importImage as importRootfs } from '../../testing/api.ts';

let d: Berthd;
let api: ApiClient;
before(async () => {
  d = await startBerthd();
  api = d.client().api;
});
after(() => d?.cleanup());

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const text = async (s: AsyncIterable<unknown>) => (await bytes(s)).toString();
async function bytes(s: AsyncIterable<unknown>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(out);
}

const importImage = (body: Readable, repo: string, tag: string, changes: string[] = []) => importRootfs(api, body, { repo, tag, changes });

async function save(names: string[]): Promise<Buffer> {
  return bytes(await api.request('GET', '/images/get', { query: { names } }));
}

/** POST /images/load; the progress messages, or the error as thrown. */
async function load(body: Buffer, quiet = true): Promise<{ stream?: string; status?: string; error?: string }[]> {
  const res = await api.request('POST', '/images/load', { query: { quiet }, body, headers: { 'Content-Type': 'application/x-tar' } });
  const lines = (await text(res)).trim().split('\r\n').filter(Boolean).map((l) => JSON.parse(l));
  const err = lines.find((l) => l.error);
  if (err) throw new Error(err.error);
  return lines;
}

/** name -> content of every regular file in a tar, checking the headers as we go. */
function entries(tar: Buffer): Map<string, Buffer> {
  const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', '-'], { input: tar, maxBuffer: 1 << 28 }).toString();
  for (const line of listing.trim().split('\n')) assert.match(line, / 0\/0 .* 1970-01-01 00:00:00 /, `mtime 0, owner 0:0: ${line}`);
  const out = new Map<string, Buffer>();
  for (const name of listing.trim().split('\n').map((l) => l.split(/\s+/).at(-1)!).filter((n) => !n.endsWith('/'))) {
    out.set(name, execFileSync('tar', ['-xOf', '-', name], { input: tar, maxBuffer: 1 << 28 }));
  }
  return out;
}

const inspect = (name: string) => api.json<{ Id: string; RepoTags: string[]; RootFS: { Layers: string[] } }>('GET', `/images/${name}/json`);
const layerDirs = () => readdirSync(join(d.dir, 'data', readdirSync(join(d.dir, 'data')).includes('overlay2') ? 'overlay2' : 'vfs/dir')).length;

function tarOf(files: Record<string, string | Buffer | { symlink: string } | { type: 'fifo' }>): Promise<Buffer> {
  const p = pack();
  for (const [name, v] of Object.entries(files)) {
    if (typeof v === 'string' || Buffer.isBuffer(v)) p.entry({ name, mtime: new Date(0) }, v);
    else if ('symlink' in v) p.entry({ name, type: 'symlink', linkname: v.symlink });
    else p.entry({ name, type: 'fifo' });
  }
  p.finalize();
  return bytes(p);
}

test('save: the Docker 25 layout, blobs named by their digests, a readable plain tar', async () => {
  const id = await importImage(busyboxRootfs(), 'busybox', 'latest', ['CMD ["sh"]']);
  await api.request('POST', '/images/busybox:latest/tag', { query: { repo: 'busybox', tag: 'v2' } });
  const files = entries(await save(['busybox']));
  const img = await inspect('busybox');
  const json = (n: string) => JSON.parse(files.get(n)!.toString());
  assert.deepEqual(json('oci-layout'), { imageLayoutVersion: '1.0.0' });
  for (const [name, data] of files) if (name.startsWith('blobs/sha256/')) assert.equal(sha(data), `sha256:${name.slice(13)}`, `${name} hashes to its name`);
  const [m] = json('manifest.json');
  assert.equal(m.Config, `blobs/sha256/${id.slice(7)}`);
  assert.deepEqual(m.RepoTags.sort(), ['busybox:latest', 'busybox:v2']);
  assert.deepEqual(m.Layers, img.RootFS.Layers.map((l) => `blobs/sha256/${l.slice(7)}`), 'layers named by diffID');
  assert.deepEqual(json('repositories'), { busybox: { latest: img.RootFS.Layers[0]!.slice(7), v2: img.RootFS.Layers[0]!.slice(7) } });
  const index = json('index.json');
  const names = index.manifests.map((x: any) => [x.annotations['io.containerd.image.name'], x.annotations['org.opencontainers.image.ref.name']]);
  assert.deepEqual(names.sort(), [['docker.io/library/busybox:latest', 'latest'], ['docker.io/library/busybox:v2', 'v2']]);
  const manifest = json(`blobs/sha256/${index.manifests[0].digest.slice(7)}`);
  assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.equal(manifest.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar');
  assert.equal(manifest.layers[0].size, files.get(m.Layers[0])!.length);
});

test('save -> rmi -> load keeps the image id, tags and diffIDs; events are recorded', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const before = await inspect('busybox:latest');
  const archive = await save(['busybox']);
  await api.json('DELETE', '/images/busybox:v2');
  await api.json('DELETE', '/images/busybox:latest');
  await assert.rejects(inspect(before.Id), /No such image/);
  const out = await load(archive, false);
  assert.ok(out.some((l) => l.status === 'Loading layer'), 'layer progress when not quiet');
  assert.deepEqual(out.filter((l) => l.stream).map((l) => l.stream).sort(), ['Loaded image: busybox:latest\n', 'Loaded image: busybox:v2\n']);
  const after = await inspect('busybox:latest');
  assert.equal(after.Id, before.Id);
  assert.deepEqual(after.RootFS.Layers, before.RootFS.Layers);
  assert.deepEqual(after.RepoTags.sort(), ['busybox:latest', 'busybox:v2']);
  assert.deepEqual(await save(['busybox']), archive, 'saving again gives the same bytes');
  const events = await text(await api.request('GET', '/events', { query: { since: String(since), until: String(Math.ceil(Date.now() / 1000) + 1) } }));
  assert.match(events, /"Action":"save"/);
  assert.match(events, /"Action":"load"/);
});

test('two images sharing a layer: the layer is written once; a gzipped archive loads', async () => {
  await importImage(busyboxRootfs(), 'shared', 'a', ['CMD ["a"]']);
  await importImage(busyboxRootfs(), 'shared', 'b', ['CMD ["b"]']);
  const [a, b] = [await inspect('shared:a'), await inspect('shared:b')];
  assert.notEqual(a.Id, b.Id);
  assert.deepEqual(a.RootFS.Layers, b.RootFS.Layers);
  const archive = await save(['shared:a', 'shared:b']);
  const listing = execFileSync('tar', ['-tf', '-'], { input: archive }).toString().split('\n');
  assert.equal(listing.filter((n) => n === `blobs/sha256/${a.RootFS.Layers[0]!.slice(7)}`).length, 1);
  for (const n of ['shared:a', 'shared:b']) await api.json('DELETE', `/images/${n}`);
  const out = await load(gzipSync(archive));
  assert.deepEqual(out.map((l) => l.stream).sort(), ['Loaded image: shared:a\n', 'Loaded image: shared:b\n']);
  assert.equal((await inspect('shared:b')).Id, b.Id);
});

test('an image saved by id loads untagged; an OCI-only archive loads by its annotations', async () => {
  const { Id } = await inspect('shared:a');
  const byId = await save([Id]);
  const manifest = JSON.parse(entries(byId).get('manifest.json')!.toString());
  assert.equal(manifest[0].RepoTags, null);
  const oci = await save(['shared:b']);
  await api.json('DELETE', '/images/shared:a');
  assert.deepEqual((await load(byId)).map((l) => l.stream), [`Loaded image ID: ${Id}\n`]);
  // Without manifest.json the OCI index is what is read.
  const files = entries(oci);
  files.delete('manifest.json');
  await api.json('DELETE', '/images/shared:b');
  assert.deepEqual((await load(await tarOf(Object.fromEntries(files)))).map((l) => l.stream), ['Loaded image: shared:b\n']);
});

test("docker's old layout (<id>/layer.tar, <id>.json, a symlinked shared layer) loads", async () => {
  const layer = await tarOf({ 'etc/old-layout': 'yes\n' });
  const cfg = (cmd: string) => Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: [cmd] }, rootfs: { type: 'layers', diff_ids: [sha(layer)] } }));
  const [c1, c2] = [cfg('one'), cfg('two')];
  const l1 = 'a'.repeat(64);
  const l2 = 'b'.repeat(64);
  const archive = await tarOf({
    [`${l1}/VERSION`]: '1.0', [`${l1}/json`]: '{}', [`${l1}/layer.tar`]: layer,
    [`${l2}/VERSION`]: '1.0', [`${l2}/json`]: '{}', [`${l2}/layer.tar`]: { symlink: `../${l1}/layer.tar` },
    [`${sha(c1).slice(7)}.json`]: c1, [`${sha(c2).slice(7)}.json`]: c2,
    'manifest.json': JSON.stringify([
      { Config: `${sha(c1).slice(7)}.json`, RepoTags: ['old:one'], Layers: [`${l1}/layer.tar`] },
      { Config: `${sha(c2).slice(7)}.json`, RepoTags: ['old:two'], Layers: [`${l2}/layer.tar`] },
    ]),
    repositories: JSON.stringify({ old: { one: l1, two: l2 } }),
  });
  assert.deepEqual((await load(archive)).map((l) => l.stream), ['Loaded image: old:one\n', 'Loaded image: old:two\n']);
  assert.equal((await inspect('old:two')).Id, sha(c2));
  assert.deepEqual((await inspect('old:one')).RootFS.Layers, [sha(layer)]);
});

test('malicious or broken archives are refused precisely, leaving nothing behind', async () => {
  const layer = await tarOf({ f: 'x' });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(Buffer.from('other'))] } }));
  const cases: [string, Buffer, RegExp][] = [
    ['traversal', await tarOf({ '../escape': 'x', 'manifest.json': '[]' }), /invalid archive: entry "..\/escape" climbs out of the archive/],
    ['symlink out', await tarOf({ 'manifest.json': { symlink: '/etc/passwd' } }), /symlink "manifest.json" points outside the archive/],
    ['symlink up', await tarOf({ 'x/manifest.json': '[]', 'manifest.json': { symlink: '../../x' } }), /points outside the archive/],
    ['fifo', await tarOf({ 'p': { type: 'fifo' } }), /is a fifo entry; only files, directories and links are allowed/],
    ['oversize JSON', await tarOf({ 'manifest.json': `[${' '.repeat(9 << 20)}]` }), /manifest "manifest.json" is \d+ bytes, more than the 8388608 allowed/],
    ['null manifest', await tarOf({ 'manifest.json': 'null' }), /invalid manifest, manifest cannot be null \(but can be \[\]\)/],
    ['no manifest', await tarOf({ 'hello': 'world' }), /invalid archive: does not contain a manifest.json/],
    ['not a tar', Buffer.from('definitely not a tar archive, just text that is long enough to fill a block'.repeat(10)), /invalid archive: header checksum mismatch/],
    ['wrong diffID', await tarOf({ 'c.json': config, 'l.tar': layer, 'manifest.json': JSON.stringify([{ Config: 'c.json', RepoTags: ['bad:x'], Layers: ['l.tar'] }]) }), /layer l.tar has diff id sha256:[0-9a-f]{64}, but the image config declares/],
    ['missing layer', await tarOf({ 'c.json': config, 'manifest.json': JSON.stringify([{ Config: 'c.json', RepoTags: null, Layers: ['nope.tar'] }]) }), /layer "nope.tar" is not in the archive/],
    ['bad tag', await tarOf({ 'c.json': config, 'l.tar': layer, 'manifest.json': JSON.stringify([{ Config: 'c.json', RepoTags: ['Bad'], Layers: ['l.tar'] }]) }), /invalid tag "Bad"/],
  ];
  const imagesBefore = (await api.json<unknown[]>('GET', '/images/json')).length;
  const layersBefore = layerDirs();
  for (const [what, archive, want] of cases) await assert.rejects(load(archive), want, what);
  assert.equal((await api.json<unknown[]>('GET', '/images/json')).length, imagesBefore);
  assert.equal(layerDirs(), layersBefore, 'no layer was applied');
  assert.deepEqual(readdirSync(join(d.dir, 'data', 'tmp')), [], 'temp dirs removed');
});

test('a layer the store refuses rolls back the layers that image had already applied', async () => {
  const good = await tarOf({ 'etc/first': 'applied first' });
  const fifo = await tarOf({ 'p': { type: 'fifo' } });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(good), sha(fifo)] } }));
  const archive = await tarOf({ 'c.json': config, '1.tar': good, '2.tar': fifo, 'manifest.json': JSON.stringify([{ Config: 'c.json', RepoTags: ['half:done'], Layers: ['1.tar', '2.tar'] }]) });
  const layersBefore = layerDirs();
  await assert.rejects(load(archive), /fifo device nodes are not allowed/);
  assert.equal(layerDirs(), layersBefore, 'the first layer was removed again');
  await assert.rejects(inspect('half:done'), /No such image/);
});

test('an archive moves between drivers: loaded on vfs, it saves back byte for byte', async () => {
  const archive = await save(['busybox:latest']);
  const vfs = await startBerthd({ args: ['--storage-driver', 'vfs'] });
  try {
    const other = vfs.client().api;
    const res = await other.request('POST', '/images/load', { query: { quiet: true }, body: archive });
    assert.match(await text(res), /Loaded image: busybox:latest/);
    assert.deepEqual(await bytes(await other.request('GET', '/images/busybox:latest/get')), archive);
  } finally {
    await vfs.cleanup();
  }
});

test('save of an unknown name is a 404 before anything is streamed', async () => {
  await assert.rejects(api.request('GET', '/images/get', { query: { names: ['busybox', 'nosuch'] } }), (err: Error & { kind?: string }) => {
    assert.match(err.message, /No such image: nosuch/);
    return true;
  });
  await assert.rejects(api.request('GET', '/images/nosuch:1/get'), /No such image: nosuch:1/);
});

test('docker save / rmi / load with the real docker CLI', { skip: requires('docker') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-save-'));
  try {
    const docker = (...args: string[]) => run('docker', args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: dir }, timeoutMs: 120_000 });
    const images = async () => (await docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}')).stdout.split('\n').sort().join('\n');
    const listed = await images();
    const file = join(dir, 'busybox.tar');
    const saved = await docker('save', '-o', file, 'busybox');
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal((await docker('rmi', 'busybox:latest', 'busybox:v2')).code, 0);
    const loaded = await docker('load', '-i', file);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /Loaded image: busybox:latest/);
    assert.equal(await images(), listed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

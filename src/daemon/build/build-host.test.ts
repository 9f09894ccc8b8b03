// DaemonBuildHost against an in-process berthd (its services from Daemon.buildHostDeps): a RUN
// step is a real container whose output and exit come back and whose changes commit as a layer;
// a COPY step's tar lands in a layer with its owners and modes; config-only steps add no layer;
// abort kills a step; and no container, mount or view is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { startDaemon, type Daemon } from '../daemon.ts';
import { createLogger } from '../../lib/logger.ts';
import { inProcessDaemon } from '../../testing/in-process-daemon.ts';
import { within } from '../../testing/until.ts';
import { requires } from '../../testing/requires.ts';
import { DaemonBuildHost } from './build-host.ts';
import { startRegistry } from '../../testing/registry.ts';
import { progressRequest } from '../../testing/api.ts';

let host: DaemonBuildHost;
const f = inProcessDaemon('berth-build-host', { ready: (d) => (host = new DaemonBuildHost(d.daemon.buildHostDeps)) });
const skip = f.skip;

/** Nothing of the steps is left: no container, no mount under the daemon's directory, no view. */
async function nothingLeft(): Promise<void> {
  assert.deepEqual((await f.client.containers.list({ all: true })).map((c) => c.Id), []);
  assert.equal(readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(f.dir)).length, 0, 'no mount left');
  assert.deepEqual(readdirSync(join(f.dir, 'exec', 'rootfs-views')), []);
}

const run = (image: string, cmd: string[], signal = new AbortController().signal) => {
  const out: Buffer[] = [];
  return host.runContainer(image, { Cmd: cmd }, { NetworkMode: 'none' }, (b) => out.push(b), signal).then((r) => ({ ...r, output: Buffer.concat(out).toString() }));
};

function tarOf(entries: { name: string; body?: string; uid?: number; gid?: number; mode?: number; type?: 'directory' }[]): () => Readable {
  return () => {
    const p = pack();
    for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', mode: e.mode ?? 0o644, uid: e.uid ?? 0, gid: e.gid ?? 0, mtime: new Date(1_000_000_000) }, e.body ?? '');
    p.finalize();
    return p as unknown as Readable;
  };
}

test('a RUN that writes a file: a real container while it exists, its output, and a committed layer with the file', { skip }, async () => {
  let announced: string | undefined;
  const out: Buffer[] = [];
  const r = await within('the step', host.runContainer(f.busybox, { Cmd: ['sh', '-c', 'echo made > /made.txt; echo out; echo err >&2'] }, { NetworkMode: 'none' }, (b) => {
    assert.ok(announced, 'the id comes before the output');
    out.push(b);
  }, new AbortController().signal, { created: (id) => (announced = id) }).then((x) => ({ ...x, output: Buffer.concat(out).toString() })));
  assert.equal(announced, r.containerId);
  assert.equal(r.exitCode, 0);
  assert.equal(r.output, 'out\nerr\n');
  assert.ok((await f.client.containers.list({ all: true })).some((c) => c.Id === r.containerId), 'listed by ps -a');
  const config = { ...host.imageConfig(f.busybox).config, Env: ['A=1'] };
  const { id } = await host.commitContainer(r.containerId, config, '/bin/sh -c echo made > /made.txt');
  await host.removeContainer(r.containerId);
  const image = host.imageConfig(id);
  assert.equal(image.rootfs.diff_ids.length, 2, 'one layer more than busybox');
  assert.deepEqual(image.config?.Env, ['A=1'], 'the builder\'s f.config as given');
  assert.deepEqual(image.config?.Cmd, ['sh'], 'not the step\'s command');
  assert.equal(image.history?.at(-1)?.created_by, '/bin/sh -c echo made > /made.txt');
  assert.deepEqual(image.container_config?.Cmd, ['/bin/sh', '-c', 'echo made > /made.txt']);
  assert.equal(await host.withImageTree(id, async (root) => readFileSync(join(root, 'made.txt'), 'utf8')), 'made\n');
  const history = await f.client.images.history(id);
  assert.equal(history[1]?.Id, f.busybox, 'the parent chain is recorded');
  await nothingLeft();
});

test('a failing RUN returns its exit code; a step that changes nothing adds no layer', { skip }, async () => {
  const r = await within('the step', run(f.busybox, ['sh', '-c', 'echo failing; exit 3']));
  assert.equal(r.exitCode, 3);
  assert.equal(r.output, 'failing\n');
  await host.removeContainer(r.containerId);
  const ok = await run(f.busybox, ['true']);
  const { id } = await host.commitContainer(ok.containerId, host.imageConfig(f.busybox).config ?? {}, '/bin/sh -c true');
  await host.removeContainer(ok.containerId);
  assert.equal(host.imageConfig(id).rootfs.diff_ids.length, 1);
  assert.equal(host.imageConfig(id).history?.at(-1)?.empty_layer, true);
  await nothingLeft();
});

test('a command that cannot start: the error, and its container gone — or the caller\'s to remove once announced', { skip }, async () => {
  await assert.rejects(run(f.busybox, ['/no/such/command']), /no such file or directory/);
  await nothingLeft();
  let announced: string | undefined;
  await assert.rejects(host.runContainer(f.busybox, { Cmd: ['/no/such/command'] }, {}, () => undefined, new AbortController().signal, { created: (id) => (announced = id) }), /no such file or directory/);
  assert.ok((await f.client.containers.list({ all: true })).some((c) => c.Id === announced));
  await host.removeContainer(announced!);
  await nothingLeft();
});

test('an abort kills the step', { skip }, async () => {
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 300);
  const r = await within('the killed step', run(f.busybox, ['sleep', '60'], ac.signal));
  assert.equal(r.exitCode, 137);
  assert.ok(Date.now() - started < 10_000);
  await host.removeContainer(r.containerId);
  // Aborted between its creation and its start: never started.
  const early = new AbortController();
  const made = await within('the unstarted step', host.runContainer(f.busybox, { Cmd: ['sleep', '60'] }, {}, () => undefined, early.signal, { created: () => early.abort() }));
  assert.equal(made.exitCode, 137);
  assert.equal((await f.client.containers.list({ all: true, filters: { status: ['created'] } })).length, 1);
  await host.removeContainer(made.containerId);
  await nothingLeft();
});

test('addFiles: a layer with the tar\'s files, owners and modes, on busybox and on scratch', { skip }, async () => {
  const tar = tarOf([
    { name: 'app/', type: 'directory', uid: 1000, gid: 1000, mode: 0o750 },
    { name: 'app/run.sh', body: 'echo hi\n', uid: 1000, gid: 2000, mode: 0o755 },
    { name: 'etc/motd', body: 'hello\n' },
  ]);
  const config = { ...host.imageConfig(f.busybox).config, WorkingDir: '/app' };
  const { id } = await host.addFiles(f.busybox, tar, config, '/bin/sh -c #(nop) COPY dir:abc in /app');
  const image = host.imageConfig(id);
  assert.equal(image.rootfs.diff_ids.length, 2);
  assert.equal(image.config?.WorkingDir, '/app');
  assert.equal(image.history?.at(-1)?.created_by, '/bin/sh -c #(nop) COPY dir:abc in /app');
  await host.withImageTree(id, async (root) => {
    const app = statSync(join(root, 'app'));
    assert.deepEqual([app.uid, app.gid, app.mode & 0o7777], [1000, 1000, 0o750]);
    const script = statSync(join(root, 'app/run.sh'));
    assert.deepEqual([script.uid, script.gid, script.mode & 0o7777], [1000, 2000, 0o755]);
    assert.equal(readFileSync(join(root, 'etc/motd'), 'utf8'), 'hello\n');
    assert.ok(statSync(join(root, 'bin/busybox')).isFile(), 'over the parent\'s files');
  });
  // The new layer holds the copied files only, not the parent's.
  const r = await run(id, ['sh', '-c', 'cat /app/run.sh; ls -ln /app | tail -1']);
  await host.removeContainer(r.containerId);
  assert.match(r.output, /^echo hi\n.*1000 +2000 .*run\.sh\n$/s);
  const base = await host.baseImage('scratch', { pull: false, progress: () => undefined, signal: new AbortController().signal });
  assert.equal(base.id, undefined);
  assert.equal(base.config.os, 'linux');
  const onScratch = await host.addFiles(undefined, tarOf([{ name: 'hello', body: 'x' }]), {}, '/bin/sh -c #(nop) COPY file:x in /');
  assert.equal(host.imageConfig(onScratch.id).rootfs.diff_ids.length, 1);
  assert.equal(await host.withImageTree(onScratch.id, async (root) => readdirSync(root).join()), 'hello');
  assert.equal(await host.withImageTree(undefined, async (root) => readdirSync(root).length), 0);
  await nothingLeft();
});

test('config-only steps: the parent\'s layers, an empty_layer history entry; FROM and tags', { skip }, async () => {
  const since = (Date.now() / 1000).toFixed(3);
  const base = await host.baseImage('busybox', { pull: false, progress: () => undefined, signal: new AbortController().signal });
  assert.equal(base.id, f.busybox);
  const { id } = await host.commitConfig(f.busybox, { ...base.config.config, Env: ['X=y'] }, '/bin/sh -c #(nop)  ENV X=y');
  const image = host.imageConfig(id);
  assert.deepEqual(image.rootfs.diff_ids, host.imageConfig(f.busybox).rootfs.diff_ids);
  assert.deepEqual(image.history?.at(-1), { created: image.history?.at(-1)?.created, created_by: '/bin/sh -c #(nop)  ENV X=y', empty_layer: true });
  host.tag(id, ['built:one', 'built:two']);
  const tags = (await f.client.images.inspect(id)).RepoTags;
  assert.deepEqual(tags, ['built:one', 'built:two']);
  // As dockerd's classic builder: a step's image is not announced, only the tags at the end.
  const res = await f.client.api.request('GET', '/events', { query: { since, until: String(Date.now() / 1000 + 1), filters: JSON.stringify({ type: ['image'] }) } });
  let text = '';
  for await (const chunk of res) text += chunk.toString();
  const actions = text.trim().split('\n').map((l) => (JSON.parse(l) as { Action: string }).Action);
  assert.deepEqual(actions, ['tag', 'tag']);
  const arch = host.imageConfig(f.busybox).architecture;
  assert.equal((await host.baseImage('busybox', { pull: false, platform: `linux/${arch}`, progress: () => undefined, signal: new AbortController().signal })).id, f.busybox);
  await assert.rejects(host.baseImage(f.busybox, { pull: false, platform: 'linux/s390x', progress: () => undefined, signal: new AbortController().signal }), /does not match the specified platform: wanted linux\/s390x, actual: linux\//);
  // A full id that is not here: an error, never a pull (no registry is asked).
  await assert.rejects(host.baseImage(`sha256:${'f'.repeat(64)}`, { pull: false, progress: () => undefined, signal: new AbortController().signal }), /No such image/);
});

test('FROM an image that is not here: pulled through the daemon\'s pull, its progress as lines; pull=true pulls again', { skip: skip || requires('registry') }, async () => {
  const registry = await startRegistry();
  try {
    const name = `${registry.host}/lib/bb`;
    await f.client.images.tag(f.busybox, name, 'v1');
    const pushed = await progressRequest(f.client.api, 'POST', `/images/${name}/push`, { query: { tag: 'v1' }, headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64url') } });
    assert.equal(pushed.find((m) => m.error)?.error, undefined);
    await f.client.images.remove(`${name}:v1`);
    const lines: string[] = [];
    const asked: string[] = [];
    const withAuth = new DaemonBuildHost(f.daemon.buildHostDeps, { authFor: (ref) => (asked.push(ref), undefined) });
    const base = await within('the pull', withAuth.baseImage(`${name}:v1`, { pull: false, progress: (l) => lines.push(l), signal: new AbortController().signal }));
    assert.equal(base.id, f.busybox, 'the same image, byte for byte');
    assert.deepEqual(asked, [`${name}:v1`]);
    assert.equal(lines[0], 'v1: Pulling from lib/bb');
    assert.ok(lines.some((l) => l.startsWith('Digest: sha256:')), lines.join('\n'));
    assert.equal(lines.at(-1), `Status: Downloaded newer image for ${name}:v1`, 'the name was not here');
    lines.length = 0;
    await withAuth.baseImage(`${name}:v1`, { pull: true, progress: (l) => lines.push(l), signal: new AbortController().signal });
    assert.equal(lines.at(-1), `Status: Image is up to date for ${name}:v1`, 'pull=true asks the registry even when the image is here');
    await assert.rejects(host.baseImage(`${name}:nosuch`, { pull: false, progress: () => undefined, signal: new AbortController().signal }), /manifest unknown|not found/i);
  } finally {
    await registry.stop();
  }
});

test('concurrent stages: steps of two builds at once, each with its own container and layer', { skip }, async () => {
  const stage = async (name: string) => {
    const copied = await host.addFiles(f.busybox, tarOf([{ name: `${name}.txt`, body: name }]), {}, `COPY ${name}.txt /`);
    const r = await run(copied.id, ['sh', '-c', `cat /${name}.txt > /${name}.out; cat /${name}.out`]);
    const { id } = await host.commitContainer(r.containerId, {}, `/bin/sh -c cat /${name}.txt`);
    await host.removeContainer(r.containerId);
    return { output: r.output, files: await host.withImageTree(id, async (root) => readdirSync(root).filter((f) => /^s[ab]\./.test(f)).sort()) };
  };
  const [a, b] = await within('both stages', Promise.all([stage('sa'), stage('sb')]));
  assert.deepEqual(a, { output: 'sa', files: ['sa.out', 'sa.txt'] });
  assert.deepEqual(b, { output: 'sb', files: ['sb.out', 'sb.txt'] });
  await nothingLeft();
});

test('a COPY whose tar breaks half way: the error, and no mount, no writable layer left', { skip }, async () => {
  const layers = f.daemon.buildHostDeps.images.deps.layers;
  const before = await layers.listCacheIds();
  const broken = () => {
    const out = new PassThrough();
    const good = tarOf([{ name: 'a', body: 'x'.repeat(600) }])();
    good.once('data', (chunk: Buffer) => {
      out.write(chunk.subarray(0, 700));
      good.destroy();
      setImmediate(() => out.destroy(new Error('the context went away')));
    });
    return out;
  };
  await assert.rejects(host.addFiles(f.busybox, broken, {}, 'COPY a /'), /the context went away|unexpected end|truncated/i);
  assert.deepEqual(await layers.listCacheIds(), before);
  await nothingLeft();
});

test('a daemon killed during a COPY: the next start unmounts and removes the step\'s writable layer', { skip }, async () => {
  const layers = f.daemon.buildHostDeps.images.deps.layers;
  const top = f.daemon.buildHostDeps.images.table.layersOf(f.busybox).at(-1)!.cacheId;
  // What addFiles has made when the daemon dies: the layer, mounted, half filled.
  const rw = await layers.createRwLayer(top);
  writeFileSync(join(await layers.mount(rw), 'half'), 'x');
  await f.daemon.shutdown();
  assert.ok(readFileSync('/proc/mounts', 'utf8').includes(f.dir), 'left mounted');
  f.daemon = await startDaemon(f.config, createLogger('error'));
  host = new DaemonBuildHost(f.daemon.buildHostDeps);
  assert.equal(f.daemon.buildHostDeps.images.deps.layers.exists(rw), false);
  await nothingLeft();
});

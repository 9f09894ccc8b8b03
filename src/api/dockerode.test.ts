// dockerode (the Node client most JavaScript tools use: Testcontainers for Node, many CI
// helpers) against berthd, as a program would drive it: run with its hijacked attach,
// create/start/wait/logs (multiplexed and followed), exec over a hijacked connection with
// stdin, a TTY attach resized, archives both ways, build with its progress follower, image tag,
// list, save and remove, volumes, networks and the event stream. Each expectation is what
// Debian's dockerd 20.10 answers to the same calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';

const skip = requires(...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const client = () => new Docker({ socketPath: f.d.socket });

/** A multiplexed stream split as dockerode's own demultiplexer splits it. */
function demuxed(d: Docker, s: Readable): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const o = new PassThrough();
    const e = new PassThrough();
    let out = '';
    let err = '';
    o.on('data', (c: Buffer) => (out += c));
    e.on('data', (c: Buffer) => (err += c));
    d.modem.demuxStream(s, o, e);
    s.on('end', () => resolve({ out, err }));
    s.on('error', reject);
  });
}

function tarOf(files: Record<string, string>): Readable {
  const p = tar.pack();
  for (const [name, body] of Object.entries(files)) p.entry({ name }, body);
  p.finalize();
  return p as unknown as Readable;
}

async function entriesOf(s: Readable): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const ex = tar.extract();
  ex.on('entry', (h, body, next) => {
    let text = '';
    body.on('data', (c: unknown) => (text += (c as Buffer).toString('latin1')));
    body.on('end', () => (found.set(h.name, text), next()));
  });
  s.pipe(ex);
  await new Promise<void>((resolve, reject) => (ex.on('finish', () => resolve()), ex.on('error', reject)));
  return found;
}

test('dockerode: run, create/start/wait, logs multiplexed and followed, list by label', { skip }, async () => {
  const d = client();
  const sink = new PassThrough();
  let seen = '';
  sink.on('data', (c: Buffer) => (seen += c));
  const [result, ran] = (await d.run('busybox', ['sh', '-c', 'echo hi; echo oops >&2; exit 3'], sink, { name: 'node-run' })) as [{ StatusCode: number }, Docker.Container];
  // dockerode's run asks for a TTY unless told otherwise: one stream, a terminal's line ends.
  assert.deepEqual([result.StatusCode, seen], [3, 'hi\r\noops\r\n']);
  await ran.remove();

  const c = await d.createContainer({ Image: 'busybox', name: 'node-box', Labels: { tool: 'dockerode' }, Cmd: ['sh', '-c', 'echo out; echo err >&2'] });
  await c.start();
  assert.deepEqual(await c.wait(), { StatusCode: 0, Error: null });
  const followed = await demuxed(d, (await c.logs({ stdout: true, stderr: true, follow: true })) as unknown as Readable);
  assert.deepEqual(followed, { out: 'out\n', err: 'err\n' });
  const listed = await d.listContainers({ all: true, filters: { label: ['tool=dockerode'] } });
  assert.deepEqual(listed.map((x) => [x.Names, x.State, x.Labels]), [[['/node-box'], 'exited', { tool: 'dockerode' }]]);
  await c.remove();
  await assert.rejects(d.getContainer('node-box').inspect(), (e: { statusCode: number; json: { message: string } }) => e.statusCode === 404 && e.json.message === 'No such container: node-box');
});

test('dockerode: exec over a hijacked connection with stdin, exit codes, a TTY attach resized, archives both ways', { skip }, async () => {
  const d = client();
  const c = await d.createContainer({ Image: 'busybox', name: 'node-exec', Cmd: ['sleep', '120'] });
  await c.start();
  const e = await c.exec({ Cmd: ['sh', '-c', 'echo x; echo y >&2; exit 4'], AttachStdout: true, AttachStderr: true });
  assert.deepEqual(await demuxed(d, (await e.start({ hijack: true, stdin: false })) as Readable), { out: 'x\n', err: 'y\n' });
  assert.deepEqual(await e.inspect().then((i) => [i.ExitCode, i.Running]), [4, false]);
  const cat = await c.exec({ Cmd: ['cat'], AttachStdin: true, AttachStdout: true });
  const s = (await cat.start({ hijack: true, stdin: true })) as Duplex;
  const read = demuxed(d, s);
  s.end('piped\n');
  assert.deepEqual(await read, { out: 'piped\n', err: '' }, 'stdin half-closed ends cat, and its output still arrives');

  await c.putArchive(tarOf({ 'hello.txt': 'hello\n' }), { path: '/tmp' });
  const got = await entriesOf((await c.getArchive({ path: '/tmp/hello.txt' })) as unknown as Readable);
  assert.deepEqual([...got], [['hello.txt', 'hello\n']]);
  await c.remove({ force: true });

  const t = await d.createContainer({ Image: 'busybox', name: 'node-tty', Cmd: ['sh'], Tty: true, OpenStdin: true });
  const tty = (await t.attach({ stream: true, stdin: true, stdout: true, hijack: true })) as Duplex;
  let screen = '';
  tty.on('data', (b: Buffer) => (screen += b));
  await t.start();
  await t.resize({ h: 30, w: 100 });
  tty.write('stty size; exit\n');
  await t.wait();
  await new Promise((resolve) => (tty.readableEnded ? resolve(undefined) : tty.on('end', resolve)));
  assert.match(screen, /^30 100\r?$/m);
  await t.remove();
});

test('dockerode: build followed to the end, tag, list by reference, save, remove', { skip }, async () => {
  const d = client();
  const dockerfile = 'FROM busybox\nRUN echo built > /b\nLABEL made.by=dockerode\nCMD ["cat", "/b"]\n';
  const progress = await d.buildImage(tarOf({ Dockerfile: dockerfile }), { t: 'node-built:1' });
  const events = await new Promise<{ stream?: string; aux?: { ID: string }; error?: string }[]>((resolve, reject) => d.modem.followProgress(progress, (err: Error | null, r: unknown[]) => (err ? reject(err) : resolve(r as never[]))));
  assert.ok(!events.some((e) => e.error), JSON.stringify(events));
  const image = await d.getImage('node-built:1').inspect();
  assert.ok(events.some((e) => e.aux?.ID === image.Id), 'the aux message names the image built');
  assert.match(events.map((e) => e.stream ?? '').join(''), new RegExp(`Successfully built ${image.Id.slice(7, 19)}\\n[^]*Successfully tagged node-built:1\\n`));
  assert.deepEqual(image.Config.Labels, { 'made.by': 'dockerode' });
  await d.getImage('node-built:1').tag({ repo: 'node-built', tag: '2' });
  const listed = await d.listImages({ filters: { reference: ['node-built'] } });
  assert.deepEqual(listed.map((x) => x.RepoTags?.sort()), [['node-built:1', 'node-built:2']]);
  const saved = await entriesOf((await d.getImage('node-built:2').get()) as unknown as Readable);
  const manifest = JSON.parse(saved.get('manifest.json') ?? '[]') as { RepoTags: string[] }[];
  assert.deepEqual(manifest.map((m) => m.RepoTags), [['node-built:2']]);
  const out = new PassThrough();
  let printed = '';
  out.on('data', (c: Buffer) => (printed += c));
  const [ran, c] = (await d.run('node-built:2', [], out)) as [{ StatusCode: number }, Docker.Container];
  assert.deepEqual([ran.StatusCode, printed], [0, 'built\r\n'], 'the image\'s CMD for an empty Cmd, on a TTY');
  await c.remove();
  assert.deepEqual((await d.getImage('node-built:2').remove()).map((r: object) => Object.keys(r)), [['Untagged']]);
  const last = await d.getImage('node-built:1').remove();
  assert.deepEqual(last[0], { Untagged: 'node-built:1' });
  assert.ok(last.some((r: { Deleted?: string }) => r.Deleted === image.Id));
});

test('dockerode: a volume and a network used by a container, and the events they made', { skip }, async () => {
  const d = client();
  const since = Math.floor(Date.now() / 1000) - 1;
  await d.createVolume({ Name: 'node-vol', Labels: { k: 'v' } });
  assert.deepEqual((await d.listVolumes({ filters: { label: ['k=v'] } })).Volumes.map((v) => v.Name), ['node-vol']);
  const net = await d.createNetwork({ Name: 'node-net', Driver: 'bridge' });
  const c = await d.createContainer({ Image: 'busybox', name: 'node-user', Cmd: ['sh', '-c', 'echo kept > /v/f; cat /v/f'],
    HostConfig: { Binds: ['node-vol:/v'], NetworkMode: 'node-net' }, NetworkingConfig: { EndpointsConfig: { 'node-net': { Aliases: ['web'] } } } });
  const inspected = await c.inspect();
  assert.deepEqual(inspected.NetworkSettings.Networks['node-net']?.Aliases, ['web']);
  await c.start();
  await c.wait();
  assert.equal(((await c.logs({ stdout: true })) as unknown as Buffer).toString('latin1').slice(8), 'kept\n');
  await c.remove();
  await net.remove();
  await d.getVolume('node-vol').remove();
  const stream = (await d.getEvents({ since, until: Math.floor(Date.now() / 1000) + 1, filters: { type: ['volume', 'network'] } })) as unknown as Readable;
  let text = '';
  for await (const chunk of stream) text += chunk;
  const seen = text.trim().split('\n').map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { Attributes: { name?: string } } });
  assert.deepEqual(seen.map((e) => `${e.Type} ${e.Action} ${e.Actor.Attributes.name ?? ''}`),
    ['volume create ', 'network create node-net', 'network connect node-net', 'volume mount ', 'network disconnect node-net', 'volume unmount ', 'network destroy node-net', 'volume destroy ']);
});

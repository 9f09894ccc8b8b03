// Hijacked streams byte for byte, as Debian's dockerd 20.10 sends them (compared side by side):
// exec start's framing follows the start request's Tty; a process's write is one frame; detach
// keys of an exec end the session with dockerd's error and leave the process running; a
// client's EOF closes a non-TTY stdin (output to the end) or ends the session at once; attach
// sends only the streams asked for, and its logs without stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { contentType, framesOf, rawSession, type RawSession } from '../testing/raw-session.ts';
import { until } from '../testing/until.ts';

const f = useBusyboxDaemon({
  setup: async (fx) => {
    const api = fx.d.client().api;
    await api.json('POST', '/containers/create', { query: { name: 'box' }, body: { Image: 'busybox', Cmd: ['sleep', '1000'] } });
    await api.request('POST', '/containers/box/start').then((r) => r.resume());
  },
});
const api = () => f.d.client().api;
const HELLO = ['sh', '-c', 'echo hello out; echo hello err >&2'];
const DETACHED = 'exec attach failed: error on attach stdin: read escape sequence\r\n';

async function execStart(cfg: Record<string, unknown>, start: Record<string, unknown>, version = '1.56'): Promise<{ id: string; s: RawSession }> {
  const { Id } = await api().json<{ Id: string }>('POST', '/containers/box/exec', { body: { AttachStdout: true, AttachStderr: true, ...cfg } });
  return { id: Id, s: await rawSession(f.d.socket, version, `/exec/${Id}/start`, start) };
}
const payload = (s: RawSession) => framesOf(s.body).map(([, p]) => p).join('');
const inspectExec = (id: string) => api().json<{ Running: boolean; ExitCode: number | null; DetachKeys: string }>('GET', `/exec/${id}/json`);

test('exec start: framing and content type follow the start\'s Tty, not the instance\'s', async () => {
  const framed = await execStart({ Cmd: HELLO, Tty: true }, { Tty: false });
  await framed.s.waitEnd();
  assert.equal(contentType(framed.s.head), 'application/vnd.docker.multiplexed-stream');
  assert.deepEqual([...new Set(framesOf(framed.s.body).map(([n]) => n))], [1], 'a TTY\'s output is all stdout');
  assert.equal(payload(framed.s), 'hello out\r\nhello err\r\n');

  const raw = await execStart({ Cmd: HELLO, Tty: true }, { Tty: true });
  await raw.s.waitEnd();
  assert.equal(contentType(raw.s.head), 'application/vnd.docker.raw-stream');
  assert.equal(raw.s.body.toString(), 'hello out\r\nhello err\r\n');

  // A raw start of a process without a TTY has nowhere to put stderr: dockerd drops it.
  const noTty = await execStart({ Cmd: HELLO }, { Tty: true });
  await noTty.s.waitEnd();
  assert.equal(noTty.s.body.toString(), 'hello out\n');

  const old = await execStart({ Cmd: HELLO }, {}, '1.41');
  await old.s.waitEnd();
  assert.equal(contentType(old.s.head), 'application/vnd.docker.raw-stream', 'before 1.42 the type is always raw-stream');
  assert.deepEqual(framesOf(old.s.body), [[1, 'hello out\n'], [2, 'hello err\n']]);
});

test('a process\'s write is one frame, in exec and attach; logs keep a frame per line', async () => {
  const write = ['sh', '-c', 'printf "echo\\nall\\nof\\nme\\n"'];
  const e = await execStart({ Cmd: write }, {});
  await e.s.waitEnd();
  assert.deepEqual(framesOf(e.s.body), [[1, 'echo\nall\nof\nme\n']]);

  await api().json('POST', '/containers/create', { query: { name: 'writer' }, body: { Image: 'busybox', Cmd: write } });
  const a = await rawSession(f.d.socket, '1.56', '/containers/writer/attach?stream=1&stdout=1&stderr=1');
  await api().request('POST', '/containers/writer/start').then((r) => r.resume());
  await a.waitEnd();
  assert.deepEqual(framesOf(a.body), [[1, 'echo\nall\nof\nme\n']]);

  const logs = await api().request('GET', '/containers/writer/logs', { query: { stdout: '1' } });
  const chunks: Buffer[] = [];
  for await (const c of logs) chunks.push(c as Buffer);
  assert.deepEqual(framesOf(Buffer.concat(chunks)), [[1, 'echo\n'], [1, 'all\n'], [1, 'of\n'], [1, 'me\n']]);
});

test('exec detach keys: the session ends with dockerd\'s error, the process runs on', async () => {
  const { id, s } = await execStart({ Cmd: ['cat'], Tty: true, AttachStdin: true, DetachKeys: 'ctrl-p' }, { Tty: false });
  s.write('abc\n');
  await s.waitFor('the TTY\'s echo and cat\'s copy', () => payload(s) === 'abc\r\nabc\r\n');
  s.write('x\x10y');
  await s.waitEnd();
  assert.deepEqual(framesOf(s.body).at(-1), [1, DETACHED]);
  assert.equal((await inspectExec(id)).Running, true);

  // Without a TTY the keys are ordinary input.
  const plain = await execStart({ Cmd: ['cat'], AttachStdin: true, DetachKeys: 'ctrl-p' }, {});
  plain.s.write('a\x10b\n');
  plain.s.shut();
  await plain.s.waitEnd();
  assert.equal(payload(plain.s), 'a\x10b\n');
});

test('exec detach keys: dockerd\'s spelling and errors; inspect shows the bytes', async () => {
  for (const bad of ['ctrl-P', ' ctrl-p', 'ab']) {
    await assert.rejects(api().json('POST', '/containers/box/exec', { body: { Cmd: ['true'], DetachKeys: bad } }), (err: Error & { kind?: string }) => err.kind === 'invalid-parameter' && err.message === `Invalid escape keys (${bad}) provided`);
  }
  await assert.rejects(api().json('POST', '/containers/nosuch/exec', { body: { Cmd: ['true'], DetachKeys: 'bad' } }), /No such container: nosuch/);
  const { Id } = await api().json<{ Id: string }>('POST', '/containers/box/exec', { body: { Cmd: ['true'], DetachKeys: 'ctrl-p,a' } });
  assert.equal((await inspectExec(Id)).DetachKeys, 'EGE=');
  const bad = await rawSession(f.d.socket, '1.56', '/containers/box/attach?stream=1&stdout=1&detachKeys=Ctrl-p');
  await bad.waitEnd();
  assert.match(bad.head, /^HTTP\/1\.1 400 /);
  assert.equal(JSON.parse(bad.body.toString()).message, 'Invalid detach keys (Ctrl-p) provided');
});

test('a client\'s EOF on exec: a non-TTY process gets EOF and the output goes on; a TTY session ends at once', async () => {
  const cmd = ['sh', '-c', 'cat; echo done'];
  const plain = await execStart({ Cmd: cmd, AttachStdin: true }, {});
  plain.s.write('abc\n');
  plain.s.shut();
  await plain.s.waitEnd();
  assert.equal(payload(plain.s), 'abc\ndone\n');
  await until('the exec has exited', async () => (await inspectExec(plain.id)).ExitCode === 0);

  const tty = await execStart({ Cmd: cmd, Tty: true, AttachStdin: true }, { Tty: true });
  tty.s.write('abc\n');
  await tty.s.waitFor('the TTY\'s echo and cat\'s copy', (b) => b.toString() === 'abc\r\nabc\r\n');
  tty.s.shut();
  await tty.s.waitEnd();
  assert.equal((await inspectExec(tty.id)).Running, true, 'as on dockerd, a TTY\'s stdin is not closed');
});

async function attached(name: string, cfg: Record<string, unknown>): Promise<RawSession> {
  await api().json('POST', '/containers/create', { query: { name }, body: { Image: 'busybox', Cmd: ['sh', '-c', 'cat; echo done'], OpenStdin: true, AttachStdin: true, ...cfg } });
  const s = await rawSession(f.d.socket, '1.56', `/containers/${name}/attach?stream=1&stdin=1&stdout=1&stderr=1`);
  await api().request('POST', `/containers/${name}/start`).then((r) => r.resume());
  s.write('abc\n');
  return s;
}
const status = async (name: string) => (await api().json<{ State: { Status: string } }>('GET', `/containers/${name}/json`)).State.Status;

test('a client\'s EOF on attach: StdinOnce without a TTY closes stdin; otherwise the session ends', async () => {
  const once = await attached('once', { StdinOnce: true });
  await once.waitFor('cat\'s copy', () => payload(once) === 'abc\n');
  once.shut();
  await once.waitEnd();
  assert.equal(payload(once), 'abc\ndone\n');
  await until('"once" exits', async () => (await status('once')) === 'exited');

  for (const [name, cfg, out] of [['open', {}, 'abc\n'], ['tty', { Tty: true, StdinOnce: true }, 'abc\r\nabc\r\n']] as const) {
    const s = await attached(name, cfg);
    await s.waitFor(`${name}: the output of the input`, (b) => (name === 'tty' ? b.toString() : payload(s)) === out);
    s.shut();
    await s.waitEnd();
    assert.equal(await status(name), 'running', `${name}: stdin stays open`);
  }
});

test('attach: only the streams asked for; logs without stream end after the past', async () => {
  await api().json('POST', '/containers/create', { query: { name: 'both' }, body: { Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2'] } });
  const live = await rawSession(f.d.socket, '1.56', '/containers/both/attach?stream=1&stderr=1');
  await api().request('POST', '/containers/both/start').then((r) => r.resume());
  await live.waitEnd();
  assert.deepEqual(framesOf(live.body), [[2, 'err\n']]);
  const past = await rawSession(f.d.socket, '1.56', '/containers/both/attach?logs=1&stdout=1');
  await past.waitEnd();
  assert.deepEqual(framesOf(past.body), [[1, 'out\n']]);
  const nothing = await rawSession(f.d.socket, '1.56', '/containers/box/attach?stream=1');
  await nothing.waitEnd();
  assert.equal(nothing.body.length, 0);
});

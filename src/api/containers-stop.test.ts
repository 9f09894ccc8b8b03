// docker stop's `t` as dockerd parses it (strconv.Atoi: 400 for what is not an int64; negative
// waits without limit), and what happens around a stop that waits: as measured on dockerd 20.10,
// a start meanwhile answers 304 at once (the container still runs), a pause pauses it at once,
// a kill ends the wait, and a start after that starts the container again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { until } from '../testing/until.ts';

const f = useBusyboxDaemon();

interface Answer {
  status: number;
  body: string;
}

function post(path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
    const req = http.request({ socketPath: f.d.socket, method: 'POST', path: `/v1.56${path}`, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${path}: no answer within 60 s`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function status(name: string): Promise<string> {
  const c = await f.d.client().api.json<{ State: { Status: string; ExitCode: number } }>('GET', `/containers/${name}/json`);
  return `${c.State.Status} ${c.State.ExitCode}`;
}

/** How many kill events the container has had so far. */
async function kills(name: string): Promise<number> {
  const filters = JSON.stringify({ container: [name], event: ['kill'] });
  const res = await f.d.client().api.request('GET', '/events', { query: { since: '0', until: String(Math.floor(Date.now() / 1000) + 1), filters } });
  let text = '';
  for await (const c of res) text += String(c);
  return text.split('\n').filter(Boolean).length;
}

/** A running container whose process ignores SIGTERM, so a stop waits its whole grace time. */
async function stubborn(name: string): Promise<void> {
  assert.equal((await post(`/containers/create?name=${name}`, { Image: 'busybox', Cmd: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'] })).status, 201);
  assert.equal((await post(`/containers/${name}/start`)).status, 204);
}

test('t that is not an int64 is refused with dockerd\'s strconv.Atoi text', async () => {
  await stubborn('t-parse');
  const cases: [string, string][] = [
    ['abc', 'strconv.Atoi: parsing "abc": invalid syntax'],
    ['1.5', 'strconv.Atoi: parsing "1.5": invalid syntax'],
    ['%20', 'strconv.Atoi: parsing " ": invalid syntax'],
    ['99999999999999999999', 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['9223372036854775808', 'strconv.Atoi: parsing "9223372036854775808": value out of range'],
    ['-9223372036854775809', 'strconv.Atoi: parsing "-9223372036854775809": value out of range'],
  ];
  for (const route of ['stop', 'restart']) {
    for (const [t, message] of cases) {
      const a = await post(`/containers/t-parse/${route}?t=${t}`);
      assert.equal(a.status, 400, `${route} t=${t}`);
      assert.deepEqual(JSON.parse(a.body), { message });
    }
    // Checked before the container is looked up, as dockerd does.
    assert.equal((await post(`/containers/nothing-here/${route}?t=x`)).status, 400);
  }
  assert.equal(await status('t-parse'), 'running 0', 'nothing was stopped');
  assert.equal((await post('/containers/t-parse/kill')).status, 204);
});

test('a stop with the largest t waits (no timer overflow into an instant kill); a kill ends it', async () => {
  await stubborn('t-max');
  const stop = post('/containers/t-max/stop?t=9223372036854775807');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await status('t-max'), 'running 0', 'still in its grace time');
  assert.equal((await post('/containers/t-max/kill')).status, 204);
  assert.equal((await stop).status, 204);
  assert.equal(await status('t-max'), 'exited 137');
});

test('while a stop waits, start answers 304 and pause pauses at once; the kill leaves it exited, not paused', async () => {
  await stubborn('waiting');
  let stopDone = false;
  const stop = post('/containers/waiting/stop?t=1000').then((a) => ((stopDone = true), a));
  await until('the stop signal is sent', async () => (await kills('waiting')) > 0);
  assert.equal((await post('/containers/waiting/start')).status, 304, 'still running: nothing to start');
  assert.equal((await post('/containers/waiting/pause')).status, 204);
  assert.equal(await status('waiting'), 'paused 0');
  assert.equal(stopDone, false, 'the stop still waits');
  assert.equal((await post('/containers/waiting/kill')).status, 204);
  assert.equal((await stop).status, 204);
  assert.equal(await status('waiting'), 'exited 137');
  const paused = await post('/containers/waiting/pause');
  assert.equal(paused.status, 409);
  assert.match(JSON.parse(paused.body).message, /^Container [0-9a-f]{64} is not running$/);
});

test('a stop without limit (t=-1) ends with a kill; a start after it starts the container again', async () => {
  await stubborn('forever');
  const stop = post('/containers/forever/stop?t=-1');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await status('forever'), 'running 0');
  assert.equal((await post('/containers/forever/kill')).status, 204);
  assert.equal((await stop).status, 204);
  assert.equal((await post('/containers/forever/start')).status, 204);
  assert.equal(await status('forever'), 'running 0');
  assert.equal((await post('/containers/forever/kill')).status, 204);
});

test('a forced removal ends a waiting stop, which still answers 204', async () => {
  await stubborn('removed');
  const stop = post('/containers/removed/stop?t=1000');
  // The removal comes once the stop has sent its TERM (a fixed 500 ms was not always enough in CI).
  await until('the stop signal is sent', async () => (await kills('removed')) > 0);
  const rm = await new Promise<number>((resolve, reject) => {
    const req = http.request({ socketPath: f.d.socket, method: 'DELETE', path: '/v1.56/containers/removed?force=1' }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', reject);
    req.end();
  });
  assert.equal(rm, 204);
  assert.equal((await stop).status, 204);
  assert.equal(await kills('removed'), 2, 'the stop\'s TERM and the removal\'s KILL are announced, as dockerd\'s');
});

test('a kill (SIGKILL, or no signal) answers once the container has exited, as dockerd: the next request sees it stopped', async () => {
  for (const [name, query] of [['kill-default', ''], ['kill-named', '?signal=SIGKILL'], ['kill-number', '?signal=9']] as const) {
    assert.equal((await post(`/containers/create?name=${name}`, { Image: 'busybox', Cmd: ['sleep', '600'] })).status, 201);
    assert.equal((await post(`/containers/${name}/start`)).status, 204);
    assert.equal((await post(`/containers/${name}/kill${query}`)).status, 204);
    // No wait in between: docker-py's kill() then reload() or remove() does just this.
    assert.equal(await status(name), 'exited 137', name);
    assert.equal((await f.d.client().api.request('DELETE', `/containers/${name}`)).statusCode, 204);
  }
  // Another signal is only sent: the answer does not wait for what the process makes of it.
  await stubborn('kill-term');
  assert.equal((await post('/containers/kill-term/kill?signal=TERM')).status, 204);
  assert.equal(await status('kill-term'), 'running 0');
  assert.equal((await post('/containers/kill-term/kill')).status, 204);
  assert.equal(await status('kill-term'), 'exited 137');
});

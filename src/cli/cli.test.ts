// The berth CLI against a real berthd: version, info, system df, events, debug output and the
// unreachable-daemon message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startBerthd, BERTH, type Berthd } from '../testing/berthd-harness.ts';
import { berth } from '../testing/run.ts';
import { until } from '../testing/until.ts';

let d: Berthd;
const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: `${d.dir}/client-config` });

before(async () => {
  d = await startBerthd();
});
after(() => d?.cleanup());

test('berth version shows client and server', async () => {
  const r = await berth(['version'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Client: berth\n Version: {11}\d+\.\d+\.\d+\n API version: {7}1\.56\n/);
  assert.match(r.stdout, /\nServer: berth Engine [\d.]+\n Engine:\n  Version: {10}[\d.]+\n  API version: {6}1\.56 \(minimum version 1\.24\)\n/);
});

test('DOCKER_API_VERSION caps the negotiated version', async () => {
  const r = await berth(['version', '--format', '{{.Client.APIVersion}} {{.Server.APIVersion}}'], { env: { ...env(), DOCKER_API_VERSION: '1.40' } });
  assert.equal(r.stdout.trim(), '1.40 1.56', r.stderr);
  const json = await berth(['version', '--format', 'json'], { env: { ...env(), DOCKER_API_VERSION: '1.40' } });
  assert.equal(JSON.parse(json.stdout).Client.ApiVersion, '1.40');
  const bad = await berth(['version'], { env: { ...env(), DOCKER_API_VERSION: 'one' } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid API version \(one\)/);
});

test('berth info prints the server section and takes templates', async () => {
  const r = await berth(['info'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Client:\n Version: {4}[\d.]+\n Context: {4}default\n Debug Mode: false\n\nServer:\n Containers: 0\n/);
  assert.match(r.stdout, new RegExp(` Docker Root Dir: ${d.dir}/data\n`));
  const f = await berth(['system', 'info', '--format', '{{.Swarm.LocalNodeState}} {{.LiveRestoreEnabled}}'], { env: env() });
  assert.equal(f.stdout.trim(), 'inactive true');
});

test('berth system df prints docker\'s table', async () => {
  const r = await berth(['system', 'df'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], 'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE');
  assert.match(r.stdout, /\nLocal Volumes   0         0         0B        0B\n/);
});

test('berth events follows live events and replays the journal', async () => {
  const child = spawn(process.execPath, [BERTH, 'events', '--format', '{{.Type}} {{.Action}} {{.Actor.ID}}'], { env: { ...process.env, ...env() } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  // The CLI subscribes after its own start-up, which takes seconds on a busy machine: a reload
  // sent before that is not followed (only replayed), so reload every half second until one shows.
  let lastHup = 0;
  await until('berth events prints a daemon reload', () => {
    if (Date.now() - lastHup > 500) (lastHup = Date.now()), process.kill(d.pid!, 'SIGHUP');
    return /daemon reload/.test(out);
  }, { timeoutMs: 20_000, stepMs: 50 });
  child.kill('SIGINT');
  assert.match(out, /^daemon reload [0-9a-f-]{36}$/m);

  const replay = await berth(['events', '--since', '5m', '--until', '0s', '--filter', 'type=daemon'], { env: env() });
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d) daemon reload [0-9a-f-]{36} \(.*log-level=/m);
  const none = await berth(['events', '--since', '5m', '--until', '0s', '--filter', 'type=container'], { env: env() });
  assert.equal(none.stdout, '');
});

test('-D prints the requests and responses', async () => {
  const r = await berth(['-D', 'version', '--format', '{{.Server.Version}}'], { env: env() });
  assert.match(r.stderr, /--> HEAD \/_ping/);
  assert.match(r.stderr, /<-- 200 OK/);
  assert.match(r.stderr, /Api-Version: 1\.56/);
  assert.match(r.stderr, /--> GET \/v1\.56\/version/);
  const viaEnv = await berth(['version', '--format', '{{.Server.Version}}'], { env: { ...env(), DOCKER_DEBUG: 'true' } });
  assert.match(viaEnv.stderr, /--> GET \/v1\.56\/version/);
});

test('an unreachable daemon is reported with its cause and exit code 1', async () => {
  const r = await berth(['-H', `unix://${d.dir}/missing.sock`, 'info'], { env: { DOCKER_CONFIG: env().DOCKER_CONFIG } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^Cannot connect to the berth daemon at unix://${d.dir}/missing\\.sock\\. Is the daemon running\\?\\n\\(the socket .* does not exist\\)`));
  const both = await berth(['-H', d.host, '--context', 'x', 'info'], { env: env() });
  assert.equal(both.code, 1);
  assert.match(both.stderr, /conflicting options: cannot specify both --host and --context/);
});

test('every command has --help', async () => {
  for (const args of [['--help'], ['version', '--help'], ['info', '--help'], ['events', '--help'], ['system', 'df', '--help'], ['login', '--help'], ['logout', '--help'], ['context', 'ls', '--help']]) {
    const r = await berth(args, { env: env() });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /Usage:/i, args.join(' '));
  }
});

// The "done when", with examples/authz/monitoring.json and the real docker CLI: a
// non-root member of berth-monitor, reaching berthd through a socket owned by that group, can
// list, inspect and read info, but cannot create a container (privileged or with / bound) — a
// 403 that names the rule; root may do everything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { run } from '../testing/run.ts';
import { makeTestUser, type TestUser } from './test-users.ts';

const skip = requires('docker');
const POLICY = fileURLToPath(new URL('../../examples/authz/monitoring.json', import.meta.url));
let user: TestUser;
before(() => {
  if (!skip) user = makeTestUser('berth-monitor');
});
after(() => user?.remove());

const f = useBusyboxDaemon({
  skip,
  harness: { args: ['--authz-policy', POLICY, '--group', 'berth-monitor'] },
  // The socket is in the daemon's directory: the user may pass through it, not read it.
  setup: async (fx) => chmodSync(fx.d.dir, 0o711),
});

/** The docker CLI as the monitoring user. */
const asMonitor = (args: string[]) =>
  run(user.as[0]!, [...user.as.slice(1), 'docker', ...args], { env: { DOCKER_HOST: f.d.host, DOCKER_CONFIG: user.home }, timeoutMs: 60_000 });

test('the monitoring user lists, inspects and reads info', { skip }, async () => {
  const made = await f.docker(['create', '--name', 'watched', 'busybox', 'true']);
  assert.equal(made.code, 0, made.stderr);
  const ps = await asMonitor(['ps', '-a', '--format', '{{.Names}}']);
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, /watched/);
  const inspect = await asMonitor(['inspect', '--format', '{{.Name}}', 'watched']);
  assert.equal(inspect.stdout.trim(), '/watched', inspect.stderr);
  const info = await asMonitor(['info', '--format', '{{json .Plugins.Authorization}}']);
  assert.equal(info.code, 0, info.stderr);
  assert.deepEqual(JSON.parse(info.stdout), [`berth-policy:${POLICY}`]);
});

test('the monitoring user cannot create, run privileged or bind-mount /; the 403 names the rule', { skip }, async () => {
  for (const args of [['create', 'busybox', 'true'], ['run', '--rm', '--privileged', 'busybox', 'true'], ['run', '--rm', '-v', '/:/host', 'busybox', 'true']]) {
    const r = await asMonitor(args);
    assert.notEqual(r.code, 0, `${args.join(' ')} was allowed`);
    assert.match(r.stderr, /authorization denied by rule "monitoring" \(line 8 of .*monitoring\.json\): it allows read-only, and POST \/containers\/create is containers/);
  }
  const save = await asMonitor(['save', 'busybox']);
  assert.match(save.stderr, /rule "monitoring".*GET \/images\/(\{name\}\/)?get is images/);
  const stop = await asMonitor(['stop', 'watched']);
  assert.doesNotMatch(stop.stderr, /WARNING/, 'the docker CLI read its own config');
  assert.match(stop.stderr, /rule "monitoring".*POST \/containers\/:id\/stop is containers/);
  const names = (await f.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n');
  assert.deepEqual(names, ['watched'], 'no container was made by a refused request');
});

test('root may do everything (rule "root" allows all)', { skip }, async () => {
  const r = await f.docker(['create', '--privileged', '-v', '/:/host', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
});

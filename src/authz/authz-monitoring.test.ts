// The issue's "done when", with examples/authz/monitoring.json and clients no one here wrote (the
// docker CLI, docker-py): a non-root member of berth-monitor, reaching berthd through a socket
// owned by that group (root:berth-monitor 0660), can list, inspect, read logs, events and info,
// but cannot create a container (privileged or with / bound), remove one or make a network — a
// 403 that names the rule, and each attempt an audit line that `berth system audit` shows; root
// may do everything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { run } from '../testing/run.ts';
import { makeTestUser, type TestUser } from './test-users.ts';
import { BERTH } from '../testing/berthd-harness.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', 'docker-py');
const POLICY = fileURLToPath(new URL('../../examples/authz/monitoring.json', import.meta.url));
let user: TestUser;
before(() => {
  // In the group as an administrator would put someone there: a supplementary group.
  if (!skip) user = makeTestUser('berth-monitor', { supplementary: true });
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

test('the monitoring user lists, inspects and reads logs, events and info', { skip }, async () => {
  const made = await f.docker(['run', '--name', 'watched', 'busybox', 'echo', 'said once']);
  assert.equal(made.code, 0, made.stderr);
  const logs = await asMonitor(['logs', 'watched']);
  assert.equal(logs.stdout, 'said once\n', logs.stderr);
  // The docker CLI sends `--until 0s` as whole seconds (now, truncated), and the daemon keeps
  // to it as dockerd does: events of the current second fall after it. Wait for the next one.
  await new Promise((r) => setTimeout(r, 1050 - (Date.now() % 1000)));
  const events = await asMonitor(['events', '--since', '10m', '--until', '0s', '--filter', 'container=watched', '--format', '{{.Action}}']);
  assert.match(events.stdout, /^create\nattach\nstart\ndie\n/, events.stderr);
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
  assert.match((await asMonitor(['rm', 'watched'])).stderr, /rule "monitoring".*DELETE \/containers\/:id is containers/);
  assert.match((await asMonitor(['network', 'create', 'mine'])).stderr, /rule "monitoring".*POST \/networks\/create is networks/);
  const names = (await f.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n');
  assert.deepEqual(names, ['watched'], 'no container was made by a refused request');
});

test('docker-py as the monitoring user: a list is allowed, a privileged run refused with the rule', { skip }, async () => {
  const script = [
    'import docker, sys',
    `c = docker.DockerClient(base_url=${JSON.stringify(`unix://${f.d.socket}`)})`,
    'print([x.name for x in c.containers.list(all=True)])',
    'try:',
    '    c.containers.run("busybox", "true", privileged=True)',
    'except docker.errors.APIError as e:',
    '    print(e.status_code, e.explanation)',
  ].join('\n');
  const r = await run(user.as[0]!, [...user.as.slice(1), '/usr/bin/python3', '-c', script], { env: { HOME: user.home }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const [listed, refused] = r.stdout.trimEnd().split('\n');
  assert.equal(listed, "['watched']");
  assert.match(refused!, /^403 authorization denied by rule "monitoring" \(line 8 of .*monitoring\.json\): it allows read-only, and POST \/containers\/create is containers$/);
});

test('each refused attempt is an audit line naming the user, and berth system audit shows it', { skip }, async () => {
  const fmt = ['--format', '{{.Route}} {{.Decision}} {{.Rule}} {{.Status}}', '-f', `user=${user.name}`, '-f', 'decision=deny'];
  const want = [
    'POST /containers/create deny monitoring 403', // create
    'POST /containers/create deny monitoring 403', // run --privileged
    'POST /containers/create deny monitoring 403', // run -v /:/host
    'GET /images/get deny monitoring 403', // save
    'POST /containers/:id/stop deny monitoring 403',
    'DELETE /containers/:id deny monitoring 403',
    'POST /networks/create deny monitoring 403',
    'POST /containers/create deny monitoring 403', // docker-py
  ];
  const audit = () => run(process.execPath, ['--', BERTH, 'system', 'audit', ...fmt], { env: { DOCKER_HOST: f.d.host, DOCKER_CONFIG: f.dir } });
  await until('every refusal in the audit log', async () => (await audit()).stdout.split('\n').length > want.length);
  assert.deepEqual((await audit()).stdout.trimEnd().split('\n'), want);
});

test('root may do everything (rule "root" allows all)', { skip }, async () => {
  const r = await f.docker(['create', '--privileged', '-v', '/:/host', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
});

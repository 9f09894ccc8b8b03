// A read-only monitoring socket: berthd listens on two unix sockets, and a `sockets` rule makes
// one of them read-only for everyone — root included, since the rule comes first — while the
// other is root's for everything. With the real docker CLI; the refusals are in the audit log
// under the socket they came in on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { berth, run } from '../testing/run.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker');
const dir = mkdtempSync(join(tmpdir(), 'berth-authz-sockets-'));
const ro = join(dir, 'ro.sock');
const policy = join(dir, 'policy.json');
writeFileSync(policy, JSON.stringify({
  rules: [
    { name: 'monitor-socket', who: { sockets: [ro] }, allow: ['read-only'] },
    { name: 'root', who: { users: ['root'] }, allow: ['all'] },
  ],
}, null, 2));

const f = useBusyboxDaemon({ skip, harness: { args: ['--authz-policy', policy, '-H', `unix://${ro}`] } });
const viaRo = (args: string[]) => run('docker', args, { env: { DOCKER_HOST: `unix://${ro}`, DOCKER_CONFIG: join(dir, 'config') }, timeoutMs: 60_000 });

test('on the read-only socket root lists and inspects but changes nothing', { skip }, async () => {
  const made = await f.docker(['create', '--name', 'seen', 'busybox', 'true']);
  assert.equal(made.code, 0, made.stderr);
  assert.equal((await viaRo(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'seen\n');
  assert.equal((await viaRo(['inspect', '--format', '{{.Name}}', 'seen'])).stdout, '/seen\n');
  assert.equal((await viaRo(['version', '--format', '{{.Server.Os}}'])).stdout, 'linux\n');
  const refusals: [string[], RegExp][] = [
    [['run', '--rm', '--privileged', 'busybox', 'true'], /POST \/containers\/create is containers/],
    [['rm', '-f', 'seen'], /DELETE \/containers\/:id is containers/],
    [['volume', 'create', 'v'], /POST \/volumes\/create is volumes/],
    [['exec', 'seen', 'true'], /POST \/containers\/:id\/exec is exec/],
  ];
  for (const [args, reason] of refusals) {
    const r = await viaRo(args);
    assert.notEqual(r.code, 0, `${args.join(' ')} was allowed`);
    assert.match(r.stderr, /authorization denied by rule "monitor-socket" \(line 3 of .*policy\.json\): it allows read-only, and /, args.join(' '));
    assert.match(r.stderr, reason, args.join(' '));
  }
  assert.equal((await f.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'seen\n', 'the container is still there');
  assert.equal((await f.docker(['volume', 'ls', '-q'])).stdout, '');
});

test('the audit log names the socket each refusal came in on', { skip }, async () => {
  const audit = (args: string[]) => berth(['system', 'audit', '--format', '{{.Route}} {{.Rule}}', ...args], { env: f.env() });
  const expected = 'POST /containers/create monitor-socket\nDELETE /containers/:id monitor-socket\nPOST /volumes/create monitor-socket\nPOST /containers/:id/exec monitor-socket\n';
  await until('the refusals in the audit log', async () => (await audit(['-f', `socket=unix://${ro}`, '-f', 'decision=deny'])).stdout === expected);
  // Reading the log is "system": not for the read-only socket.
  const r = await berth(['system', 'audit'], { env: { ...f.env(), DOCKER_HOST: `unix://${ro}` } });
  assert.match(r.stderr, /rule "monitor-socket".*GET \/berth\/audit is system/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

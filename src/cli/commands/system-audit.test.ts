// `berth system audit` with the real berth CLI against a berthd with a policy: the lines the
// docker CLI's requests left, narrowed by --filter, --since and --until, printed as a table, a
// template or the raw JSON lines; and refused to a client whose rule does not give "system".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { requires } from '../../testing/requires.ts';
import { berth, run } from '../../testing/run.ts';
import { BERTH } from '../../testing/berthd-harness.ts';
import { spawn } from 'node:child_process';
import { rowOf } from './system-audit.ts';
import { until } from '../../testing/until.ts';

const skip = requires('docker');
const dir = mkdtempSync(join(tmpdir(), 'berth-audit-cli-'));
const policy = join(dir, 'policy.json');
const rootMay = (allow: string[]) => JSON.stringify({ rules: [{ name: 'admin', who: { users: ['root'] }, allow }] }, null, 2);
let d: Berthd;
const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: join(dir, 'config') });
const docker = (args: string[]) => run('docker', args, { env: env() });
const audit = (args: string[]) => berth(['system', 'audit', ...args], { env: env() });

before(async () => {
  if (skip) return;
  writeFileSync(policy, rootMay(['volumes', 'system']));
  d = await startBerthd({ args: ['--authz-policy', policy] });
  assert.equal((await docker(['volume', 'create', 'kept'])).code, 0);
  assert.notEqual((await docker(['network', 'create', 'refused'])).code, 0);
  assert.equal((await docker(['volume', 'rm', 'kept'])).code, 0);
});
after(async () => {
  await d?.cleanup();
  if (d) rmSync(d.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

test('the table shows each audited request, oldest first', { skip }, async () => {
  // Lines are written once a response is over: the network refusal may still be queued.
  await until('the three lines', async () => (await audit(['--format', '{{.Route}}'])).stdout.includes('DELETE /volumes/:name'));
  const r = await audit([]);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = r.stdout.trimEnd().split('\n');
  assert.match(header!, /^TIME +USER +ROUTE +OBJECT +DECISION +RULE +STATUS +REASON$/);
  // A create's name is in its body: the handler names it (a refused one never reads the body).
  assert.match(rows[0]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z +root +POST \/volumes\/create +kept +allow +admin +201 *$/);
  assert.match(rows[1]!, /^\S+ +root +POST \/networks\/create +deny +admin +403 +class networks not allowed$/);
  assert.match(rows[2]!, /^\S+ +root +DELETE \/volumes\/:name +kept +allow +admin +204 *$/);
});

test('--filter narrows on the daemon, --format prints fields or the raw lines', { skip }, async () => {
  const fmt = ['--format', '{{.Decision}} {{.Method}} {{.Route}} {{.Status}}'];
  assert.equal((await audit([...fmt, '--filter', 'decision=deny'])).stdout, 'deny POST POST /networks/create 403\n');
  assert.equal((await audit([...fmt, '-f', 'route=/volumes/create', '-f', 'user=root'])).stdout, 'allow POST POST /volumes/create 201\n');
  assert.equal((await audit([...fmt, '-f', 'status=4xx', '-f', 'class=networks'])).stdout, 'deny POST POST /networks/create 403\n');
  assert.equal((await audit([...fmt, '-f', 'user=1', '-f', 'decision=deny'])).stdout, '', 'no line of uid 1');
  const raw = (await audit(['--format', 'json', '-f', 'object=kept'])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(raw.map((l) => l.route), ['POST /volumes/create', 'DELETE /volumes/:name']);
  assert.equal(raw[0]!.uid, 0);
  assert.equal(raw[0]!.user, 'root', "the uid's name when the line was written");
  assert.ok(typeof raw[0]!.ms === 'number' && typeof raw[0]!.pid === 'number');
  const bad = await audit(['-f', 'colour=red']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid filter 'colour'/);
  assert.match((await audit(['-f', 'decision=maybe'])).stderr, /invalid decision filter "maybe": expected allow or deny/);
});

test('--since and --until take timestamps and durations', { skip }, async () => {
  const fmt = ['--format', '{{.Route}}', '-f', 'class=volumes', '-f', 'method=post'];
  assert.equal((await audit([...fmt, '--since', '1h'])).stdout, 'POST /volumes/create\n');
  assert.equal((await audit([...fmt, '--until', '1h'])).stdout, '', 'nothing an hour old');
  assert.equal((await audit([...fmt, '--since', '2099-01-01T00:00:00Z'])).stdout, '');
  assert.equal((await audit([...fmt, '--until', String(Math.ceil(Date.now() / 1000) + 60)])).stdout, 'POST /volumes/create\n');
});

test('--follow prints the lines written after, as they are written; --until ends it', { skip }, async () => {
  const child = spawn(process.execPath, ['--', BERTH, 'system', 'audit', '--follow', '--format', '{{.Route}} {{.Object}}', '-f', 'class=volumes'], { env: { ...process.env, ...env() } });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  try {
    await until('the lines so far', () => out === 'POST /volumes/create kept\nDELETE /volumes/:name kept\n');
    assert.equal((await docker(['volume', 'create', 'followed'])).code, 0);
    await until('the new line', () => out.endsWith('DELETE /volumes/:name kept\nPOST /volumes/create followed\n'));
  } finally {
    child.kill();
  }
  // With --until ahead, following ends once it passes.
  assert.equal((await docker(['volume', 'rm', 'followed'])).code, 0);
  const r = await audit(['--follow', '--until', String(Date.now() / 1000 + 1), '--format', '{{.Object}}', '-f', 'class=volumes', '-f', 'method=delete']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'kept\nfollowed\n');
  assert.match((await audit(['--follow', '--format', 'table'])).stderr, /--follow prints each line as it comes/);
});

test('a rule without "system" may not read the log; the refusal is audited', { skip }, async () => {
  writeFileSync(policy, rootMay(['volumes']));
  process.kill(d.pid!, 'SIGHUP');
  await until('the policy reloaded', () => d.log.includes('Reloaded authorization policy'));
  const r = await audit([]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /authorization denied by rule "admin" \(line 3 of .*policy\.json\): it allows read-only, volumes, and GET \/berth\/audit is system/);
  writeFileSync(policy, rootMay(['system']));
  process.kill(d.pid!, 'SIGHUP');
  await until('the policy reloaded again', async () => (await audit(['-f', 'route=/berth/audit', '-f', 'decision=deny', '--format', '{{.Reason}}'])).stdout === 'class system not allowed\n');
});

test('ids are shown as docker ps shows them, 12 characters, unless --no-trunc', () => {
  const id = 'ab'.repeat(32);
  assert.equal(rowOf({ object: id, container: 'web' }).Object, `${id.slice(0, 12)} (container web)`);
  assert.equal(rowOf({ object: id }, false).Object, id);
  assert.equal(rowOf({ uid: 1004 }).User, 'uid=1004');
  assert.equal(rowOf({ uid: 1004, user: 'mona', certificate: { cn: 'ci' } }).User, 'mona cn=ci');
});

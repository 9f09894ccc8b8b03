// The audit log, SIGHUP reload and --validate against a real berthd and the docker CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Berthd, startBerthd } from '../testing/berthd-harness.ts';
import { requires } from '../testing/requires.ts';
import { run } from '../testing/run.ts';
import { until } from '../testing/until.ts';
import type { AuditEntry } from './audit-entry.ts';

const skip = requires('docker');
const rootMay = (allow: string[]) => JSON.stringify({ rules: [{ name: 'root-limited', who: { users: ['root'] }, allow }] }, null, 2);

test('state changes and denials are audit lines; reads are not (by default)', { skip }, async () => {
  const d = new Berthd(); // its directory (removed by its cleanup); the daemon is `started`
  const policy = join(d.dir, 'policy.json');
  writeFileSync(policy, rootMay(['volumes']));
  const started = await startBerthd({ dir: d.dir, args: ['--authz-policy', policy] });
  try {
    const docker = (args: string[]) => run('docker', ['-H', started.host, ...args], { env: { DOCKER_CONFIG: join(d.dir, 'docker') } });
    assert.equal((await docker(['volume', 'create', 'kept'])).code, 0);
    assert.match((await docker(['network', 'create', 'refused'])).stderr, /rule "root-limited"/);
    assert.equal((await docker(['volume', 'ls'])).code, 0);
    const file = join(d.dir, 'data', 'authz', 'audit.log');
    await until('two audit lines', () => existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 2);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    assert.deepEqual(lines.map((l) => [l.route, l.decision, l.status, l.rule, l.class, l.uid]), [
      ['POST /volumes/create', 'allow', 201, 'root-limited', 'volumes', 0],
      ['POST /networks/create', 'deny', 403, 'root-limited', 'networks', 0],
    ]);
    assert.equal(lines[1]!.reason, 'class networks not allowed');
    assert.equal(lines[0]!.socket, started.host);
    assert.ok(lines.every((l) => typeof l.ms === 'number' && l.pid! > 0 && !Number.isNaN(Date.parse(l.time))));

    // SIGHUP: a new policy applies to the next request; a broken one keeps the running policy.
    writeFileSync(policy, rootMay(['volumes', 'networks']));
    process.kill(started.pid!, 'SIGHUP');
    await until('the reloaded policy', async () => (await docker(['network', 'create', 'now-allowed'])).code === 0);
    writeFileSync(policy, rootMay(['volumes', 'netwroks']));
    process.kill(started.pid!, 'SIGHUP');
    await until('the refused reload is logged', () => /keeping the running one.*did you mean \\"networks\\"/.test(started.log));
    assert.equal((await docker(['network', 'rm', 'now-allowed'])).code, 0, 'the running policy still applies');
  } finally {
    await started.cleanup();
    await d.cleanup();
  }
});

test('berthd --validate checks the policy file', async () => {
  const d = new Berthd();
  try {
    const policy = join(d.dir, 'policy.json');
    writeFileSync(policy, rootMay(['read-only']));
    const ok = await run(process.execPath, d.argv(['--validate', '--authz-policy', policy]));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `configuration OK (authorization policy ${policy})\n`);
    writeFileSync(policy, rootMay(['read-onyl']));
    const bad = await run(process.execPath, d.argv(['--validate', '--authz-policy', policy]));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid value for "rules\[0\]\.allow\[0\]" at line 11 of .*policy\.json: unknown class "read-onyl"; did you mean "read-only"\?/);
    // The daemon.json key names it as well.
    writeFileSync(d.configFile, JSON.stringify({ 'authz-policy': policy }));
    assert.equal((await run(process.execPath, d.argv(['--validate']))).code, 1);
  } finally {
    await d.cleanup();
  }
});

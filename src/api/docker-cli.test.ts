// The real docker CLI (28.2 on these machines) against a real berthd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { run } from '../testing/run.ts';
import { requires } from '../testing/requires.ts';

const skip = requires('docker');
let d: Berthd;
let configDir: string;

const docker = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run('docker', args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: configDir, ...env } });

before(async () => {
  if (skip) return;
  d = await startBerthd();
  configDir = mkdtempSync(join(tmpdir(), 'docker-config-'));
});
after(async () => {
  if (skip) return;
  await d?.cleanup();
  rmSync(configDir, { recursive: true, force: true });
});

test('docker version shows berthd as the server, API 1.56', { skip }, async () => {
  const r = await docker(['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Server: berth Engine/);
  assert.match(r.stdout, /API version:\s+1\.56 \(minimum version 1\.24\)/);
  const f = await docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}}']);
  assert.equal(f.stdout.trim(), '1.56 linux');
});

test('DOCKER_API_VERSION=1.40 docker version works', { skip }, async () => {
  const r = await docker(['version', '--format', '{{.Client.APIVersion}} {{.Server.Version}}'], { DOCKER_API_VERSION: '1.40' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.trim(), /^1\.40 \d+\.\d+\.\d+/);
});

test('docker info reports the daemon truthfully', { skip }, async () => {
  const r = await docker(['info', '--format', '{{json .}}']);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.DockerRootDir, join(d.dir, 'data'));
  assert.equal(info.LiveRestoreEnabled, true);
  assert.equal(info.Swarm.LocalNodeState, 'inactive');
  assert.ok(info.NCPU >= 1);
  const plain = await docker(['info']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /Server Version: /);
});

test('docker events --since 1m --until 0s returns', { skip }, async () => {
  const r = await docker(['events', '--since', '1m', '--until', '0s']);
  assert.equal(r.code, 0, r.stderr);
});

test('docker context create + --context X version', { skip }, async () => {
  const create = await run('docker', ['context', 'create', 'berth-test', '--docker', `host=${d.host}`], { env: { DOCKER_CONFIG: configDir, DOCKER_HOST: '' } });
  assert.equal(create.code, 0, create.stderr);
  const r = await run('docker', ['--context', 'berth-test', 'version', '--format', '{{.Server.APIVersion}}'], { env: { DOCKER_CONFIG: configDir, DOCKER_HOST: '' } });
  assert.equal(r.stdout.trim(), '1.56', r.stderr);
});

test('docker system df works', { skip }, async () => {
  const r = await docker(['system', 'df']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { ConfigError } from './errors.ts';
import { loadDaemonConfig } from './load.ts';
import { reloadDaemonConfig } from './reload.ts';
import { tempDaemonJson } from './test-helpers.ts';

const START = '{\n  "data-root": "/srv/berth",\n  "hosts": ["tcp://10.0.0.1"],\n  "tls": true\n}';

test('reload applies only the reloadable keys and lists those that need a restart', (t) => {
  const file = tempDaemonJson(t, START);
  const current = loadDaemonConfig(['--config-file', file]).config;
  const before = structuredClone(current);
  writeFileSync(file, JSON.stringify({
    'data-root': '/srv/other', // needs a restart
    hosts: ['tcp://10.0.0.1:2376'], // same as running once normalised: not reported
    tls: true,
    'live-restore': false, // needs a restart
    debug: true,
    'registry-mirrors': ['https://mirror.example.com'],
    'insecure-registries': [],
  }));
  const { config, applied, ignored } = reloadDaemonConfig(current, file);
  assert.deepEqual(applied, ['debug', 'log-level', 'registry-mirrors']);
  assert.deepEqual(ignored, ['data-root', 'live-restore']);
  assert.equal(config.debug, true);
  assert.equal(config.logLevel, 'debug');
  assert.deepEqual(config.registryMirrors, ['https://mirror.example.com/']);
  assert.equal(config.dataRoot, '/srv/berth');
  assert.equal(config.liveRestore, true);
  assert.deepEqual(current, before, 'the running config object is not modified');
});

test('an explicit log level wins over debug; turning debug off goes back to info', (t) => {
  const file = tempDaemonJson(t, '{"debug": true}');
  const current = loadDaemonConfig(['--config-file', file]).config;
  writeFileSync(file, '{"debug": true, "log-level": "warn"}');
  assert.equal(reloadDaemonConfig(current, file).config.logLevel, 'warn');
  writeFileSync(file, '{"debug": false}');
  const off = reloadDaemonConfig(current, file);
  assert.deepEqual([off.config.debug, off.config.logLevel, off.applied], [false, 'info', ['debug', 'log-level']]);
});

test('keys absent from the file keep their running value', (t) => {
  const file = tempDaemonJson(t, '{}');
  const current = loadDaemonConfig(['--config-file', file, '-D', '--registry-mirror', 'https://m']).config;
  const r = reloadDaemonConfig(current, file);
  assert.deepEqual(r, { config: current, applied: [], ignored: [] });
});

test('an invalid file on reload is an error and changes nothing', (t) => {
  const file = tempDaemonJson(t, START);
  const current = loadDaemonConfig(['--config-file', file]).config;
  const before = structuredClone(current);
  writeFileSync(file, '{\n  "debug": true,\n  "log-levle": "debug"\n}');
  assert.throws(() => reloadDaemonConfig(current, file), (err) => err instanceof ConfigError
    && err.message === `unknown key "log-levle" at line 3 of ${file}; did you mean "log-level"?`);
  writeFileSync(file, '{"default-runtime": "youki"}');
  assert.throws(() => reloadDaemonConfig(current, file), /specified default runtime 'youki' does not exist/);
  assert.deepEqual(current, before);
});

test('with the startup flags, a reload refuses a file that repeats one of them', (t) => {
  const file = tempDaemonJson(t, '{}');
  const current = loadDaemonConfig(['--config-file', file, '-D']).config;
  writeFileSync(file, '{"debug": false}');
  assert.throws(() => reloadDaemonConfig(current, file, { debug: true }), /debug: \(from flag: true, from file: false\) at line 1/);
});

test('runtimes and the default runtime reload; the flags\' runtimes stay', (t) => {
  const file = tempDaemonJson(t, '{"runtimes": {"oci": {"path": "runc"}}}');
  const flags = { runtimes: { vm: { path: '/opt/vm' } } };
  const current = loadDaemonConfig(['--config-file', file, '--add-runtime', 'vm=/opt/vm']).config;
  assert.deepEqual(current.runtimes, { oci: { path: 'runc' }, vm: { path: '/opt/vm' } });
  writeFileSync(file, '{"runtimes": {}, "default-runtime": "vm"}');
  const r = reloadDaemonConfig(current, file, flags);
  assert.deepEqual([r.config.runtimes, r.config.defaultRuntime, r.applied, r.ignored], [{ vm: { path: '/opt/vm' } }, 'vm', ['default-runtime', 'runtimes'], []]);
  writeFileSync(file, '{"runtimes": {"runc": {"path": "my-runc"}}}');
  assert.throws(() => reloadDaemonConfig(current, file, flags), /runtime name 'runc' is reserved/);
  writeFileSync(file, '{"default-runtime": "oci", "runtimes": {}}');
  assert.throws(() => reloadDaemonConfig(current, file, flags), /specified default runtime 'oci' does not exist/);
});

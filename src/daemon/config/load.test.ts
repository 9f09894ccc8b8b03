import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LoadOptions } from './defaults.ts';
import { loadDaemonConfig } from './load.ts';
import { tempDaemonJson, tempDir } from './test-helpers.ts';
import type { DaemonConfig } from './types.ts';

interface Ctx {
  after(fn: () => void): void;
}

/** Options whose default daemon.json does not exist, so the machine's /etc is never read. */
function noFile(t: Ctx): LoadOptions {
  return { defaultConfigFile: join(tempDir(t), 'daemon.json'), env: {}, homedir: '/home/u' };
}

function load(t: Ctx, json: string, argv: string[] = []): DaemonConfig {
  const file = tempDaemonJson(t, json);
  return loadDaemonConfig(['--config-file', file, ...argv], { env: {}, homedir: '/home/u' }).config;
}

test('defaults', (t) => {
  const opts = noFile(t);
  const loaded = loadDaemonConfig([], opts);
  assert.deepEqual(loaded, {
    config: {
      hosts: ['unix:///run/berth/berth.sock'], dataRoot: '/var/lib/berth', execRoot: '/run/berth',
      pidfile: '/run/berth/berthd.pid', configFile: opts.defaultConfigFile, liveRestore: true,
      tls: undefined, tlsVerify: false, tlsCaCert: '/home/u/.docker/ca.pem', tlsCert: '/home/u/.docker/cert.pem',
      tlsKey: '/home/u/.docker/key.pem', group: 'berth', debug: false, logLevel: 'info', storageDriver: undefined,
      logDriver: 'json-file', logOpts: {}, dns: [], dnsSearch: [], dnsOptions: [], registryMirrors: [],
      insecureRegistries: [], defaultRuntime: 'runc', runtimes: {}, bip: undefined,
      bridge: 'berth0', fixedCidr: undefined, defaultAddressPools: undefined, mtu: 1500, icc: true, ipMasq: true,
      iptables: true, experimental: false, authzPolicy: undefined, rootless: false,
    },
    validateOnly: false, showVersion: false, showHelp: false,
  });
});

test('the default config file path and DOCKER_CERT_PATH', () => {
  const { config } = loadDaemonConfig(['--help'], { env: { DOCKER_CERT_PATH: '/certs' } });
  assert.equal(config.configFile, '/etc/berth/daemon.json');
  assert.equal(config.tlsCaCert, '/certs/ca.pem');
});

test('daemon.json and flags are merged over the defaults', (t) => {
  const c = load(t, '{"data-root": "/srv/berth", "live-restore": false, "dns": ["1.1.1.1"]}', ['--exec-root', '/run/b2', '--tls=false']);
  assert.equal(c.dataRoot, '/srv/berth');
  assert.equal(c.liveRestore, false);
  assert.deepEqual(c.dns, ['1.1.1.1']);
  assert.equal(c.execRoot, '/run/b2');
  assert.equal(c.tls, false);
});

test('a setting given as a flag and in the file is refused, naming both values and the line', (t) => {
  const file = tempDaemonJson(t, '{\n  "debug": true,\n  "live-restore": false\n}');
  assert.throws(() => loadDaemonConfig(['--config-file', file, '--live-restore']), {
    name: 'ConfigError',
    message: `the following directives are specified both as a flag and in the configuration file: live-restore: (from flag: true, from file: false) at line 3 of ${file}`,
  });
  assert.throws(() => loadDaemonConfig(['--config-file', file, '-D', '--live-restore=false']), {
    message: 'the following directives are specified both as a flag and in the configuration file: '
      + `live-restore: (from flag: false, from file: false) at line 3 of ${file}, debug: (from flag: true, from file: true) at line 2 of ${file}`,
  });
  const hosts = tempDaemonJson(t, '{"hosts": ["unix:///a", "tcp://b"]}');
  assert.throws(() => loadDaemonConfig(['--config-file', hosts, '-H', 'unix:///c']), /hosts: \(from flag: \[unix:\/\/\/c\], from file: \[unix:\/\/\/a tcp:\/\/b\]\) at line 1/);
});

test('a --config-file that does not exist is an error; a missing default file is not', (t) => {
  const missing = join(tempDir(t), 'nope.json');
  assert.throws(() => loadDaemonConfig(['--config-file', missing]), { message: `configuration file ${missing} does not exist` });
  assert.doesNotThrow(() => loadDaemonConfig([], noFile(t)));
});

test('--debug means log level debug unless a level is given', (t) => {
  assert.equal(loadDaemonConfig(['-D'], noFile(t)).config.logLevel, 'debug');
  assert.equal(loadDaemonConfig(['-D', '-l', 'warn'], noFile(t)).config.logLevel, 'warn');
  assert.equal(load(t, '{"debug": true}').logLevel, 'debug');
  assert.equal(load(t, '{"log-level": "error"}', ['--debug']).logLevel, 'error');
});

test('--tlsverify implies TLS, which moves the default TCP port to 2376', (t) => {
  const c = loadDaemonConfig(['--tlsverify', '-H', 'tcp://0.0.0.0', '-H', 'unix://'], noFile(t)).config;
  assert.deepEqual([c.tls, c.tlsVerify], [true, true]);
  assert.deepEqual(c.hosts, ['tcp://0.0.0.0:2376', 'unix:///run/berth/berth.sock']);
  assert.deepEqual(load(t, '{"tls": true}', ['-H', 'tcp://h']).hosts, ['tcp://h:2376']);
  assert.deepEqual(load(t, '{"hosts": ["tcp://h", "tcp://h:2375"]}').hosts, ['tcp://h:2375']);
});

test('log-driver and log-opts are kept as given and checked with dockerd\'s texts', (t) => {
  assert.deepEqual(loadDaemonConfig(['--log-opt', 'max-size=1g'], noFile(t)).config.logOpts, { 'max-size': '1g' });
  assert.deepEqual(load(t, '{"log-opts": {"tag": "x"}}').logOpts, { tag: 'x' });
  assert.deepEqual(load(t, '{"log-driver": "local", "log-opts": {"max-file": "2", "compress": "false"}}').logOpts, { 'max-file': '2', compress: 'false' });
  assert.equal(load(t, '{"log-driver": "none"}').logDriver, 'none');
  assert.throws(() => load(t, '{"log-driver": "journald"}'), { message: 'unknown log-driver "journald": berthd has json-file, local, none' });
  assert.throws(() => load(t, '{"log-opts": {"foo": "1"}}'), { message: "failed to set log opts: unknown log opt 'foo' for json-file log driver" });
  assert.throws(() => load(t, '{"log-opts": {"max-size": "big"}}'), { message: "failed to set log opts: invalid size: 'big'" });
  assert.throws(() => load(t, '{}', ['--log-driver', 'local', '--log-opt', 'max-file=1']), { message: 'failed to set log opts: compression cannot be enabled when max file count is 1' });
});

test('runtimes come from the file and --add-runtime; the default runtime must exist', (t) => {
  const c = load(t, '{"runtimes": {"kata": {"path": "/opt/kata", "runtimeArgs": ["--debug"]}}, "default-runtime": "kata"}');
  assert.deepEqual(c.runtimes, { kata: { path: '/opt/kata', runtimeArgs: ['--debug'] } });
  assert.equal(c.defaultRuntime, 'kata');
  // The built-in runc (and crun, where installed) need no configuration.
  assert.equal(load(t, '{}', ['--default-runtime', 'runc']).defaultRuntime, 'runc');
  const both = load(t, '{"runtimes": {"a": {"path": "/a"}, "b": {"path": "/b"}}}', ['--add-runtime', 'b=/b', '--add-runtime', 'C = /c ', '--default-runtime', 'c']);
  assert.deepEqual(both.runtimes, { a: { path: '/a' }, b: { path: '/b' }, c: { path: '/c' } }, 'added up; a name both give alike is fine');
  assert.equal(both.defaultRuntime, 'c');
  assert.throws(() => load(t, '{}', ['--default-runtime', 'youki']), { message: /^specified default runtime 'youki' does not exist \(runtimes: runc(, crun)?\)$/ });
  assert.throws(() => load(t, '{"default-runtime": "youki"}'), { message: /^specified default runtime 'youki' does not exist/ });
});

test('a runtime named runc, or one the flags and the file define differently, stops the start', (t) => {
  const file = tempDaemonJson(t, '{\n  "runtimes": {"runc": {"path": "/usr/bin/crun"}}}');
  assert.throws(() => loadDaemonConfig(['--config-file', file]), { message: `invalid value for "runtimes.runc" at line 2 of ${file}: runtime name 'runc' is reserved` });
  assert.throws(() => load(t, '{}', ['--add-runtime', 'RUNC=/x']), { message: 'invalid argument "RUNC=/x" for "--add-runtime" flag: runtime name \'runc\' is reserved' });
  const other = tempDaemonJson(t, '{\n "runtimes": {"b": {"path": "/b2"}}}');
  assert.throws(() => loadDaemonConfig(['--config-file', other, '--add-runtime', 'b=/b']), {
    message: `the following directives are specified both as a flag and in the configuration file: runtimes.b: (from flag: map[path:/b], from file: map[path:/b2]) at line 2 of ${other}`,
  });
});

test('--help and --version do not read daemon.json; --validate does', (t) => {
  const broken = tempDaemonJson(t, '{ nope');
  const help = loadDaemonConfig(['--config-file', broken, '-h']);
  assert.deepEqual([help.showHelp, help.showVersion, help.validateOnly], [true, false, false]);
  assert.equal(loadDaemonConfig(['--config-file', broken, '--version']).showVersion, true);
  assert.throws(() => loadDaemonConfig(['--config-file', broken, '--validate']), /invalid JSON/);
  const ok = tempDaemonJson(t, '{}');
  assert.equal(loadDaemonConfig(['--config-file', ok, '--validate']).validateOnly, true);
});

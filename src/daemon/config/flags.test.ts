import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from './errors.ts';
import { parseDaemonArgs } from './flags.ts';

test('every flag lands under its daemon.json name', () => {
  const args = parseDaemonArgs([
    '-H', 'unix:///tmp/b.sock', '--host=tcp://0.0.0.0', '--data-root', '/d', '--exec-root=/e', '--pidfile', '/p',
    '--config-file', '/c.json', '--live-restore', '--tls', '--tlsverify', '--tlscacert', 'ca', '--tlscert', 'c',
    '--tlskey', 'k', '-G', 'docker', '-D', '-l', 'warn', '-s', 'overlay2', '--log-driver', 'local',
    '--log-opt', 'max-size=1m', '--log-opt', 'mode=non-blocking', '--dns', '1.1.1.1', '--dns', '::1',
    '--registry-mirror', 'https://m.example.com', '--insecure-registry', 'reg:5000', '--default-runtime', 'runc',
    '--bip', '172.18.0.1/16', '--iptables=false', '--experimental',
  ]);
  assert.deepEqual(args.settings, {
    hosts: ['unix:///tmp/b.sock', 'tcp://0.0.0.0'], 'data-root': '/d', 'exec-root': '/e', pidfile: '/p',
    'live-restore': true, tls: true, tlsverify: true, tlscacert: 'ca', tlscert: 'c', tlskey: 'k', group: 'docker',
    debug: true, 'log-level': 'warn', 'storage-driver': 'overlay2', 'log-driver': 'local',
    'log-opts': { 'max-size': '1m', mode: 'non-blocking' }, dns: ['1.1.1.1', '::1'],
    'registry-mirrors': ['https://m.example.com/'], 'insecure-registries': ['reg:5000'], 'default-runtime': 'runc',
    bip: '172.18.0.1/16', iptables: false, experimental: true,
  });
  assert.equal(args.configFile, '/c.json');
  assert.deepEqual([args.validate, args.version, args.help], [false, false, false]);
});

test('booleans take =VALUE, and an explicit false differs from not given', () => {
  assert.deepEqual(parseDaemonArgs([]).settings, {});
  assert.deepEqual(parseDaemonArgs(['--tls=false']).settings, { tls: false });
  assert.deepEqual(parseDaemonArgs(['--live-restore=false']).settings, { 'live-restore': false });
  assert.deepEqual(parseDaemonArgs(['--live-restore=0', '--live-restore=true']).settings, { 'live-restore': true });
  assert.deepEqual(parseDaemonArgs(['-D=false', '-H=tcp://x']).settings, { debug: false, hosts: ['tcp://x'] });
  assert.throws(() => parseDaemonArgs(['--tls=maybe']), { message: 'invalid argument "maybe" for "--tls" flag: expected true or false' });
});

test('--validate, -v and -h are reported', () => {
  const a = parseDaemonArgs(['--validate', '-v', '-h']);
  assert.deepEqual([a.validate, a.version, a.help], [true, true, true]);
  assert.equal(parseDaemonArgs(['--version']).version, true);
});

test('unknown flags are named, with a suggestion when one is close', () => {
  assert.throws(() => parseDaemonArgs(['--liverestore']), { message: 'unknown flag: --liverestore; did you mean --live-restore?' });
  assert.throws(() => parseDaemonArgs(['--frobnicate=1']), { message: 'unknown flag: --frobnicate' });
  assert.throws(() => parseDaemonArgs(['-Dx']), { message: 'unknown flag: -x' });
  assert.throws(() => parseDaemonArgs(['--no-tls']), { message: 'unknown flag: --no-tls' });
  assert.throws(() => parseDaemonArgs(['--registry-mirrors', 'https://x']), /did you mean --registry-mirror\?/);
});

test('missing values and stray arguments are refused', () => {
  assert.throws(() => parseDaemonArgs(['--data-root']), { message: 'flag needs an argument: --data-root' });
  assert.throws(() => parseDaemonArgs(['-H']), { message: 'flag needs an argument: -H, --host' });
  assert.throws(() => parseDaemonArgs(['--pidfile', '--debug']), /^ConfigError: flag needs an argument: --pidfile/);
  assert.throws(() => parseDaemonArgs(['start']), { message: 'unexpected argument "start": berthd takes only flags' });
});

test('flag values are checked', () => {
  const bad: [string[], string][] = [
    [['-H', 'ftp://x'], 'invalid argument "ftp://x" for "--host" flag: invalid bind address format: ftp://x'],
    [['--dns', 'dns.google'], 'invalid argument "dns.google" for "--dns" flag: IP address is not correctly formatted: dns.google'],
    [['--registry-mirror', 'ftp://m'], 'invalid argument "ftp://m" for "--registry-mirror" flag: invalid mirror: unsupported scheme "ftp" in "ftp://m"'],
    [['--registry-mirror', 'https://m/v2'], 'invalid argument "https://m/v2" for "--registry-mirror" flag: invalid mirror: path, query and fragment are not allowed in "https://m/v2"'],
    [['-l', 'verbose'], 'invalid argument "verbose" for "--log-level" flag: unknown log level "verbose": expected one of debug, info, warn, error, fatal'],
    [['--log-opt', 'max-size'], 'invalid argument "max-size" for "--log-opt" flag: expected KEY=VALUE, got "max-size"'],
    [['--bip', '10.0.0.1/33'], 'invalid argument "10.0.0.1/33" for "--bip" flag: invalid CIDR address "10.0.0.1/33": expected an IPv4 address with a prefix length, e.g. 172.18.0.1/16'],
    [['--insecure-registry', 'ftp://r'], 'invalid argument "ftp://r" for "--insecure-registry" flag: insecure registry ftp://r should not contain \'://\''],
    [['--data-root', ''], 'invalid argument "" for "--data-root" flag: must not be empty'],
  ];
  for (const [argv, message] of bad) assert.throws(() => parseDaemonArgs(argv), (err) => err instanceof ConfigError && err.message === message, argv.join(' '));
});

test('insecure registries: http(s) prefixes dropped, CIDRs accepted', () => {
  const s = parseDaemonArgs(['--insecure-registry', 'http://r:5000', '--insecure-registry', '10.0.0.0/8']).settings;
  assert.deepEqual(s['insecure-registries'], ['r:5000', '10.0.0.0/8']);
});

test('--add-runtime NAME=PATH is repeatable and checked as dockerd checks it', () => {
  assert.deepEqual(parseDaemonArgs(['--add-runtime', 'oci=runc', '--add-runtime=Kata = /opt/kata ']).settings, {
    runtimes: { oci: { path: 'runc' }, kata: { path: '/opt/kata' } },
  });
  const refused = (arg: string): string => {
    try {
      parseDaemonArgs(['--add-runtime', 'x=a', '--add-runtime', arg]);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
    return assert.fail(`--add-runtime ${arg} was accepted`);
  };
  assert.equal(refused('bad'), 'invalid argument "bad" for "--add-runtime" flag: invalid runtime argument: bad');
  assert.equal(refused('=a'), 'invalid argument "=a" for "--add-runtime" flag: invalid runtime argument: =a');
  assert.equal(refused('y='), 'invalid argument "y=" for "--add-runtime" flag: invalid runtime argument: y=');
  assert.equal(refused('X=b'), 'invalid argument "X=b" for "--add-runtime" flag: runtime \'x\' was already defined');
  assert.equal(refused('runc=/usr/bin/crun'), 'invalid argument "runc=/usr/bin/crun" for "--add-runtime" flag: runtime name \'runc\' is reserved');
});

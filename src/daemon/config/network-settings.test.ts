// The default bridge's settings: flags, daemon.json, checks, defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDaemonArgs } from './flags.ts';
import { parseDaemonJson } from './daemon-json.ts';
import { loadDaemonConfig } from './load.ts';
import { tempDaemonJson } from './test-helpers.ts';

test('flags: -b, --fixed-cidr, --default-address-pool, --mtu, --icc, --ip-masq', () => {
  const args = parseDaemonArgs(['-b', 'none', '--fixed-cidr', '10.1.0.128/25', '--default-address-pool', 'base=10.10.0.0/16,size=24',
    '--default-address-pool=base=fd00:1::/48,size=64', '--mtu', '1400', '--icc=false', '--ip-masq=false']);
  assert.deepEqual(args.settings, {
    bridge: 'none', 'fixed-cidr': '10.1.0.128/25', mtu: 1400, icc: false, 'ip-masq': false,
    'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }, { base: 'fd00:1::/48', size: 64 }],
  });
  assert.throws(() => parseDaemonArgs(['--bridge', 'a-name-far-too-long']), /invalid argument "a-name-far-too-long" for "--bridge" flag: invalid bridge name/);
  assert.throws(() => parseDaemonArgs(['--mtu', '12']), /invalid argument "12" for "--mtu" flag: invalid MTU "12"/);
  assert.throws(() => parseDaemonArgs(['--default-address-pool', 'base=10.0.0.0/16,size=8']), /invalid address pool size 8 for 10.0.0.0\/16/);
  assert.throws(() => parseDaemonArgs(['--default-address-pool', '10.0.0.0/16']), /expected base=CIDR,size=N/);
  assert.throws(() => parseDaemonArgs(['--fixed-cidr', '10.0.0.0']), /invalid CIDR address/);
});

test('daemon.json: default-address-pools and mtu with their types checked', () => {
  const F = '/etc/berth/daemon.json';
  const ok = parseDaemonJson('{"default-address-pools": [{"base": "10.20.0.0/16", "size": 24}], "mtu": 9000, "bridge": "br9"}', F);
  assert.deepEqual(ok.settings, { 'default-address-pools': [{ base: '10.20.0.0/16', size: 24 }], mtu: 9000, bridge: 'br9' });
  assert.throws(() => parseDaemonJson('{"mtu": "1500"}', F), { message: `invalid value for "mtu" at line 1 of ${F}: expected an integer, got string` });
  assert.throws(() => parseDaemonJson('{"default-address-pools": [{"base": "10.20.0.0/16", "size": "24"}]}', F), /"default-address-pools\[0\].size" at line 1 .*: expected an integer, got string/);
  assert.throws(() => parseDaemonJson('{"default-address-pools": [{"base": "10.20.0.0/16", "sise": 24}]}', F), /unknown key "default-address-pools\[0\].sise"/);
});

test('defaults, and --fixed-cidr must lie within --bip', (t) => {
  const file = tempDaemonJson(t, '{}');
  const { config } = loadDaemonConfig(['--config-file', file], { env: {}, homedir: '/home/u' });
  assert.deepEqual([config.bridge, config.mtu, config.icc, config.ipMasq, config.defaultAddressPools], ['berth0', 1500, true, true, undefined]);
  assert.throws(() => loadDaemonConfig(['--config-file', file, '--bip', '10.1.0.1/24', '--fixed-cidr', '10.2.0.0/25'], { env: {} }), /fixed-cidr 10.2.0.0\/25 is not within the bridge's subnet \(bip 10.1.0.1\/24\)/);
  assert.equal(loadDaemonConfig(['--config-file', file, '--bip', '10.1.0.1/24', '--fixed-cidr', '10.1.0.128/25'], { env: {} }).config.fixedCidr, '10.1.0.128/25');
});

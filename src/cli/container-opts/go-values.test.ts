// The Go flag types docker's run/create flags use, with the values and error texts Go gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpus, parseGoBool, parseGoDurationNs, parseGoInt, parseUlimit, ramInBytes } from './go-values.ts';
import { parsePorts } from './ports.ts';
import { parseDevices } from './devices.ts';
import { parseKvFile } from './kv-file.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('time.ParseDuration', () => {
  assert.equal(parseGoDurationNs('1m30s'), 90e9);
  assert.equal(parseGoDurationNs('1.5s'), 1.5e9);
  assert.equal(parseGoDurationNs('100ms'), 1e8);
  assert.equal(parseGoDurationNs('0'), 0);
  assert.equal(parseGoDurationNs('-1h'), -3600e9);
  assert.equal(parseGoDurationNs('.5us'), 500);
  assert.throws(() => parseGoDurationNs('5'), { message: 'time: missing unit in duration "5"' });
  assert.throws(() => parseGoDurationNs('5x'), { message: 'time: unknown unit "x" in duration "5x"' });
  assert.throws(() => parseGoDurationNs('x'), { message: 'time: invalid duration "x"' });
  assert.throws(() => parseGoDurationNs(''), { message: 'time: invalid duration ""' });
});

test('units.RAMInBytes', () => {
  assert.equal(ramInBytes('64m'), 64 * 1024 ** 2);
  assert.equal(ramInBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(ramInBytes('1GiB'), 1024 ** 3);
  assert.equal(ramInBytes('10 kb'), 10240);
  assert.equal(ramInBytes('512'), 512);
  assert.equal(ramInBytes('3b'), 3);
  assert.throws(() => ramInBytes('foo'), { message: "invalid size: 'foo'" });
  assert.throws(() => ramInBytes('1x'), { message: "invalid suffix: 'x'" });
  assert.throws(() => ramInBytes('1kib2'), { message: 'strconv.ParseFloat: parsing "1kib2": invalid syntax' });
  assert.throws(() => ramInBytes('-1'), { message: "invalid size: '-1'" });
});

test('opts.ParseCPUs, pflag ints and bools, units.ParseUlimit', () => {
  assert.equal(parseCpus('1.5'), 1_500_000_000);
  assert.equal(parseCpus('3/2'), 1_500_000_000);
  assert.equal(parseCpus('2e-3'), 2_000_000);
  assert.throws(() => parseCpus('0.0000000001'), { message: 'value is too precise' });
  assert.throws(() => parseCpus('x'), { message: 'failed to parse x as a rational number' });
  assert.equal(parseGoInt('0x10'), 16);
  assert.equal(parseGoInt('-7'), -7);
  assert.equal(parseGoInt('010'), 8);
  assert.throws(() => parseGoInt('1.5'), { message: 'strconv.ParseInt: parsing "1.5": invalid syntax' });
  assert.throws(() => parseGoInt('70000', 16, 'ParseUint'), { message: 'strconv.ParseUint: parsing "70000": value out of range' });
  assert.equal(parseGoBool('False'), false);
  assert.throws(() => parseGoBool('yes'), { message: 'strconv.ParseBool: parsing "yes": invalid syntax' });
  assert.deepEqual(parseUlimit('nofile=1024:2048'), { Name: 'nofile', Hard: 2048, Soft: 1024 });
  assert.deepEqual(parseUlimit('core=-1'), { Name: 'core', Hard: -1, Soft: -1 });
  assert.throws(() => parseUlimit('nofile=2:1'), { message: 'ulimit soft limit must be less than or equal to hard limit: 2 > 1' });
  assert.throws(() => parseUlimit('bogus=1'), { message: 'invalid ulimit type: bogus' });
});

test('-p and --expose as nat.ParsePortSpecs reads them', () => {
  const { exposed, bindings } = parsePorts(['8080:80', '127.0.0.1:53:53/udp', '9000-9001:9000-9001', 'published=81,target=8081', '[::1]:82:82', '7000-7001:70'], ['90/udp']);
  assert.deepEqual(Object.keys(exposed).sort(), ['53/udp', '70/tcp', '80/tcp', '8081/tcp', '82/tcp', '90/udp', '9000/tcp', '9001/tcp']);
  assert.deepEqual(bindings['53/udp'], [{ HostIp: '127.0.0.1', HostPort: '53' }]);
  assert.deepEqual(bindings['9001/tcp'], [{ HostIp: '', HostPort: '9001' }]);
  assert.deepEqual(bindings['8081/tcp'], [{ HostIp: '', HostPort: '81' }]);
  assert.deepEqual(bindings['82/tcp'], [{ HostIp: '::1', HostPort: '82' }]);
  assert.deepEqual(bindings['70/tcp'], [{ HostIp: '', HostPort: '7000-7001' }]);
  assert.throws(() => parsePorts(['1:2:3:4/foo'], []), { message: 'invalid IP address: 1:2' });
  assert.throws(() => parsePorts(['80/foo'], []), { message: 'invalid proto: foo' });
  assert.throws(() => parsePorts(['1-2:3-5'], []), { message: 'invalid ranges specified for container and host Ports: 3-5 and 1-2' });
});

test('--device for a Linux daemon, CDI names apart', () => {
  assert.deepEqual(parseDevices(['/dev/null', '/dev/a:/dev/b/', '/dev/c:r', 'vendor.com/gpu=0']), {
    mappings: [
      { PathOnHost: '/dev/null', PathInContainer: '/dev/null', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/a', PathInContainer: '/dev/b', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/c', PathInContainer: '/dev/c', CgroupPermissions: 'r' },
    ],
    cdi: ['vendor.com/gpu=0'],
  });
  assert.throws(() => parseDevices(['/dev/a:rel']), { message: 'rel is not an absolute path' });
  assert.throws(() => parseDevices(['/dev/a:/b:rx']), { message: 'bad mode specified: rx' });
});

test('--env-file lines as kvfile reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-kvfile-'));
  try {
    const file = join(dir, 'env');
    writeFileSync(file, '\uFEFFA=1\r\n  # comment\n\n B= spaced \nLOOKED_UP\nMISSING\n');
    assert.deepEqual(parseKvFile(file, (k) => (k === 'LOOKED_UP' ? 'v' : undefined)), ['A=1', 'B= spaced ', 'LOOKED_UP=v']);
    writeFileSync(file, 'BAD KEY=1\n');
    assert.throws(() => parseKvFile(file), { message: `invalid env file (${file}): variable 'BAD KEY' contains whitespaces` });
    assert.throws(() => parseKvFile(join(dir, 'none')), { message: `open ${join(dir, 'none')}: no such file or directory` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

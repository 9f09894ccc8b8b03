// LogConfig at create: completed from the daemon's defaults as dockerd does, checked with
// dockerd's texts, and turned into a rotation policy with berth's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logPolicy, resolveLogConfig, validateLogOpts } from './log-config.ts';
import { atoi, fromHumanSize, parseBool, ramInBytes } from '../../lib/go-units.ts';

const daemon = { driver: 'json-file', opts: {} };
const refused = (req: unknown, message: string, defaults = daemon) =>
  assert.throws(() => resolveLogConfig(req, defaults), { kind: 'invalid-parameter', message });

test("go-units and strconv, with Go's error texts", () => {
  assert.deepEqual(['10', '10b', '10k', '10kb', '10KiB', '1.5m', '10 m', '1g'].map(fromHumanSize), [10, 10, 10_000, 10_000, 10_000, 1_500_000, 10_000_000, 1e9]);
  assert.equal(ramInBytes('2m'), 2 * 1024 * 1024);
  assert.throws(() => fromHumanSize('big'), { message: "invalid size: 'big'" });
  assert.throws(() => fromHumanSize('-1'), { message: "invalid size: '-1'" });
  assert.throws(() => fromHumanSize('10x'), { message: "invalid suffix: 'x'" });
  assert.throws(() => fromHumanSize('10kbb'), { message: "invalid suffix: 'kbb'" });
  assert.throws(() => fromHumanSize('1.2.3'), { message: 'strconv.ParseFloat: parsing "1.2.3": invalid syntax' });
  assert.equal(atoi('+3'), 3);
  assert.throws(() => atoi('three'), { message: 'strconv.Atoi: parsing "three": invalid syntax' });
  assert.throws(() => atoi('99999999999999999999'), { message: 'strconv.Atoi: parsing "99999999999999999999": value out of range' });
  assert.deepEqual(['1', 'T', 'false'].map(parseBool), [true, true, false]);
  assert.throws(() => parseBool('yes'), { message: 'strconv.ParseBool: parsing "yes": invalid syntax' });
});

test("the daemon's driver when none is named; its opts only under its own driver", () => {
  assert.deepEqual(resolveLogConfig(undefined, daemon), { Type: 'json-file', Config: {} });
  assert.deepEqual(resolveLogConfig({ Type: '', Config: null }, daemon), { Type: 'json-file', Config: {} });
  const d = { driver: 'json-file', opts: { 'max-size': '50m', mode: 'non-blocking', 'cache-disabled': 'true' } };
  assert.deepEqual(resolveLogConfig({ Type: '', Config: { 'max-file': '2' } }, d), {
    Type: 'json-file', Config: { 'max-file': '2', 'max-size': '50m', mode: 'non-blocking', 'cache-disabled': 'true' },
  });
  assert.deepEqual(resolveLogConfig({ Type: 'json-file', Config: { 'max-size': '1m' } }, d).Config['max-size'], '1m');
  // Another driver takes only the options every driver has (dockerd's cache keys).
  assert.deepEqual(resolveLogConfig({ Type: 'local', Config: {} }, d), { Type: 'local', Config: { 'cache-disabled': 'true' } });
  assert.deepEqual(resolveLogConfig({ Type: 'none', Config: { anything: 'goes' } }, daemon), { Type: 'none', Config: { anything: 'goes' } });
});

test("unknown drivers and options, and bad values, are refused at create with dockerd's texts", () => {
  refused({ Type: 'syslog' }, "logger: no log driver named 'syslog' is registered");
  refused({ Type: 'x', Config: {} }, "logger: no log driver named 'x' is registered");
  refused({ Config: { foo: '1' } }, "unknown log opt 'foo' for json-file log driver");
  refused({ Type: 'local', Config: { foo: '1' } }, "unknown log opt 'foo' for log driver local");
  refused({ Config: { 'max-size': 'big' } }, "invalid size: 'big'");
  refused({ Config: { 'max-size': '0' } }, 'max-size must be a positive number');
  refused({ Config: { 'max-file': '0' } }, 'max-file cannot be less than 1');
  refused({ Config: { 'max-file': 'x' } }, 'strconv.Atoi: parsing "x": invalid syntax');
  refused({ Config: { compress: 'yes' } }, 'strconv.ParseBool: parsing "yes": invalid syntax');
  refused({ Config: { compress: 'true', 'max-file': '1' } }, 'compress cannot be true when max-file is less than 2 or max-size is not set');
  refused({ Type: 'local', Config: { 'max-size': 'big' } }, "invalid value for max-size: big: invalid size: 'big'");
  refused({ Type: 'local', Config: { 'max-file': '-1', compress: 'false' } }, 'max-file must not be negative');
  refused({ Type: 'local', Config: { 'max-file': '1' } }, 'compression cannot be enabled when max file count is 1');
  refused({ Type: 'local', Config: { compress: 'maybe' } }, 'invalid boolean value for compress: strconv.ParseBool: parsing "maybe": invalid syntax');
  refused({ Config: { mode: 'fast' } }, 'logger: logging mode not supported: fast');
  refused({ Config: { 'max-buffer-size': '1m' } }, "logger: max-buffer-size option is only supported with 'mode=non-blocking'");
  refused({ Config: { mode: 'non-blocking', 'max-buffer-size': 'lots' } }, "error parsing option max-buffer-size: invalid size: 'lots'");
  refused({ Config: { 'cache-disabled': 'nah' } }, 'invalid value for option cache-disabled: nah');
  refused({ Config: { 'max-file': 3 } }, 'invalid value for "HostConfig.LogConfig.Config.max-file": expected a string');
  refused({ Type: 7 }, 'invalid value for "HostConfig.LogConfig.Type": expected a string');
  refused('json-file', 'invalid value for "HostConfig.LogConfig": expected an object');
  // The daemon's opts are checked too, under the container's driver.
  refused({}, 'max-size must be a positive number', { driver: 'json-file', opts: { 'max-size': '0' } });
  assert.doesNotThrow(() => validateLogOpts('json-file', { tag: '{{.Name}}', labels: 'a', 'labels-regex': '.', env: 'X', 'env-regex': '.' }));
});

test("berth's rotation defaults: json-file 10m x 3, local 20 MiB x 5 compressed, none keeps nothing readable", () => {
  assert.deepEqual(logPolicy({ Type: 'json-file', Config: {} }), { maxSize: 10_000_000, maxFiles: 3, compress: false, readable: true });
  assert.deepEqual(logPolicy({ Type: 'json-file', Config: { 'max-size': '100k', compress: 'true' } }), { maxSize: 100_000, maxFiles: 3, compress: true, readable: true });
  assert.deepEqual(logPolicy({ Type: 'local', Config: {} }), { maxSize: 20 * 1024 * 1024, maxFiles: 5, compress: true, readable: true });
  assert.deepEqual(logPolicy({ Type: 'local', Config: { 'max-size': '0', 'max-file': '0', compress: 'false' } }), { maxSize: 0, maxFiles: 1, compress: false, readable: true });
  assert.equal(logPolicy({ Type: 'none', Config: {} }).readable, false);
});

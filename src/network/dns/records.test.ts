import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isKind } from '../../api/types/errors.ts';
import { formatHostPort, parseHostPort, readRecords, validateRecords, writeRecords, type DnsRecords } from './records.ts';

const invalid = (err: unknown): boolean => isKind(err, 'invalid-parameter');

test('listen and upstream addresses: ip (port 53) or ip:port, IPv6 in brackets', () => {
  assert.deepEqual(parseHostPort('172.18.0.1'), { host: '172.18.0.1', port: 53 });
  assert.deepEqual(parseHostPort('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseHostPort('fd00::1'), { host: 'fd00::1', port: 53 });
  assert.deepEqual(parseHostPort('[fd00::1]:5353'), { host: 'fd00::1', port: 5353 });
  assert.equal(formatHostPort({ host: 'fd00::1', port: 53 }), '[fd00::1]:53');
  for (const bad of ['', 'host.example', '1.2.3.4:0', '1.2.3.4:65536', '1.2.3.4:x', 'fd00::1:53x', '1.2.3:53']) {
    assert.throws(() => parseHostPort(bad), invalid, bad);
  }
});

test('records are checked whole: shapes, addresses of the right family, one network per address', () => {
  const good: DnsRecords = { upstream: ['10.0.0.2'], networks: [{ name: 'n', listen: '172.18.0.1', entries: [{ names: ['web', 'my_alias'], ipv4: '172.18.0.2', ipv6: 'fd00::2' }] }] };
  assert.deepEqual(validateRecords(good), good);
  const bads: unknown[] = [
    null, {}, { upstream: [], networks: {} }, { upstream: [1], networks: [] }, { upstream: ['nope'], networks: [] },
    { upstream: [], networks: [{ name: '', listen: '172.18.0.1', entries: [] }] },
    { upstream: [], networks: [{ name: 'n', listen: '172.18.0.1', entries: [{ names: ['web'], ipv4: 'fd00::2' }] }] },
    { upstream: [], networks: [{ name: 'n', listen: '172.18.0.1', entries: [{ names: ['web'], ipv6: '172.18.0.2' }] }] },
    { upstream: [], networks: [{ name: 'n', listen: '172.18.0.1', entries: [{ names: ['has space'] }] }] },
    { upstream: [], networks: [{ name: 'n', listen: '172.18.0.1', entries: [{ names: ['.lead'] }] }] },
    { upstream: [], networks: [{ name: 'a', listen: '172.18.0.1', entries: [] }, { name: 'b', listen: '172.18.0.1:53', entries: [] }] },
    { upstream: [], networks: [{ name: 'n', listen: '172.18.0.1', entries: [], internal: 'yes' }] },
  ];
  for (const bad of bads) assert.throws(() => validateRecords(bad), invalid, JSON.stringify(bad));
});

test('written atomically: read back as written, no temporary file left, a bad record refused before any write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dns-records-'));
  try {
    const file = join(dir, 'records.json');
    const r: DnsRecords = { upstream: ['127.0.0.1:5353'], networks: [{ name: 'n', listen: '127.0.0.1:5300', entries: [{ names: ['web'], ipv4: '172.18.0.2' }] }] };
    writeRecords(file, r);
    assert.deepEqual(readRecords(file), r);
    assert.throws(() => writeRecords(file, { upstream: ['x'], networks: [] }), invalid);
    assert.deepEqual(readRecords(file), r);
    assert.deepEqual(readdirSync(dir), ['records.json']);
    writeFileSync(file, '{"upstream": [');
    assert.throws(() => readRecords(file), SyntaxError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

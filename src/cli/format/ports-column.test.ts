// The PORTS column against what the docker CLI 28 wrote for the same Ports (Debian's dockerd
// 20.10 behind it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portsColumn } from './ports-column.ts';

test('exposed runs, same-number runs per address, other mappings last, as docker ps', () => {
  const ports = [
    { IP: '127.0.0.1', PrivatePort: 81, PublicPort: 18091, Type: 'tcp' },
    { IP: '127.0.0.1', PrivatePort: 18093, PublicPort: 18093, Type: 'tcp' },
    { PrivatePort: 7001, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }, { PrivatePort: 7000, Type: 'tcp' },
    { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 18090, Type: 'tcp' },
    { IP: '127.0.0.1', PrivatePort: 18095, PublicPort: 18095, Type: 'udp' },
    { IP: '127.0.0.1', PrivatePort: 18092, PublicPort: 18092, Type: 'tcp' }, { PrivatePort: 7002, Type: 'tcp' },
  ];
  assert.equal(portsColumn(ports), '443/tcp, 7000-7002/tcp, 127.0.0.1:18092-18093->18092-18093/tcp, 127.0.0.1:18095->18095/udp, 127.0.0.1:18090->80/tcp, 127.0.0.1:18091->81/tcp');
});

test('IPv6 addresses in brackets, ranges on both families', () => {
  const both = (p: number) => [{ IP: '0.0.0.0', PrivatePort: p, PublicPort: p, Type: 'tcp' }, { IP: '::', PrivatePort: p, PublicPort: p, Type: 'tcp' }];
  const ports = [...both(18097), { PrivatePort: 80, Type: 'tcp' }, ...both(18096), { PrivatePort: 443, Type: 'tcp' }];
  assert.equal(portsColumn(ports), '80/tcp, 443/tcp, 0.0.0.0:18096-18097->18096-18097/tcp, [::]:18096-18097->18096-18097/tcp');
  assert.equal(portsColumn([{ IP: '::', PrivatePort: 80, PublicPort: 32769, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 32769, Type: 'tcp' }]), '0.0.0.0:32769->80/tcp, [::]:32769->80/tcp');
  assert.equal(portsColumn([]), '');
});

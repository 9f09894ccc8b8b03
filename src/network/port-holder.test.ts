// Taken ports name their holder; free ones come from the kernel's ephemeral range. Sockets are
// bound on 127.0.0.1 and 0.0.0.0 only; nothing is sent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { within } from '../testing/until.ts';
import { checkPortFree, pickFreePort } from './port-holder.ts';
import { decodeAddress } from './proc-sockets.ts';

/** A child node process holding a port (so its pid and command are known). */
async function holder(proto: 'tcp' | 'udp', host: string, port: number) {
  const code = proto === 'tcp'
    ? `require('node:net').createServer().listen(${port}, '${host}', () => console.log('up'))`
    : `require('node:dgram').createSocket('udp4').bind(${port}, '${host}', () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await within('the holder to bind', once(child.stdout, 'data'));
  return { pid: child.pid!, [Symbol.asyncDispose]: async () => { child.kill(); await once(child, 'exit'); } };
}

for (const proto of ['tcp', 'udp'] as const) {
  test(`a taken ${proto} port is a conflict naming the process that holds it`, async () => {
    const port = await pickFreePort('127.0.0.1', proto, new Set());
    await checkPortFree('127.0.0.1', port, proto);
    await using h = await holder(proto, '127.0.0.1', port);
    const text = (ip: string) => `Bind for ${ip}:${port} failed: port is already in use by process ${h.pid} (node)`;
    await assert.rejects(checkPortFree('127.0.0.1', port, proto), { kind: 'conflict', message: text('127.0.0.1') });
    // All addresses include the one that is held.
    await assert.rejects(checkPortFree('', port, proto), { kind: 'conflict', message: text('0.0.0.0') });
  });
}

test('an address the host does not have is refused as dockerd words it', async () => {
  await assert.rejects(checkPortFree('192.0.2.1', 8080, 'tcp'), { kind: 'invalid-parameter', message: /cannot assign requested address/ });
});

test('pickFreePort takes a port of ip_local_port_range outside the excluded ones', async () => {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number, number];
  const one = await pickFreePort('127.0.0.1', 'tcp', new Set());
  assert.ok(one >= lo && one <= hi, `${one} in ${lo}-${hi}`);
  // Everything but `one` excluded: `one` it must be.
  const all = new Set<number>();
  for (let p = lo; p <= hi; p++) if (p !== one) all.add(p);
  assert.equal(await pickFreePort('127.0.0.1', 'tcp', all), one);
  await using h = await holder('tcp', '127.0.0.1', one);
  void h;
  await assert.rejects(pickFreePort('127.0.0.1', 'tcp', all), /no free tcp port on 127.0.0.1/);
});

test('/proc/net addresses are decoded from host-order words', () => {
  assert.equal(decodeAddress('0100007F'), '127.0.0.1');
  assert.equal(decodeAddress('00000000'), '0.0.0.0');
  assert.equal(decodeAddress('00000000000000000000000001000000'), '::1');
  assert.equal(decodeAddress('00000000000000000000000000000000'), '::');
  assert.equal(decodeAddress('0000000000000000FFFF00000100007F'), '127.0.0.1');
  assert.equal(decodeAddress('000080FE00000000FF005002FEB6C1AB'), 'fe80::250:ff:abc1:b6fe');
});

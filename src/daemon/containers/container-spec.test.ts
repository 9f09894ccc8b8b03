// What the attachments add to a container's spec: their network namespace (unless the container
// is on the host's network), their mounts after the container's own with parents first, their env.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerSpec } from './container-spec.ts';
import type { ContainerRow } from '../../store/containers.ts';

const rootfs = mkdtempSync(join(tmpdir(), 'berth-spec-rootfs-'));
after(() => rmSync(rootfs, { recursive: true, force: true }));

const row = (hostConfig: Record<string, unknown> = {}) =>
  ({ id: 'a'.repeat(64), name: '/spec', config: { Cmd: ['true'], Env: ['PATH=/bin', 'OWN=1'] }, hostConfig }) as unknown as ContainerRow;

const volume = (destination: string) => ({ destination, type: 'bind', source: `/srv${destination}`, options: ['rbind'] });

test('the attachments\' namespace, mounts and env are in the spec', () => {
  const spec = containerSpec(row(), rootfs, {
    additions: { netnsPath: '/run/netns/berth-x', mounts: [volume('/data/own/inner'), volume('/data/own'), volume('/data')], env: ['LINK_PORT=tcp://172.17.0.2:80'] },
  });
  assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/berth-x' });
  const dests = spec.mounts.map((m) => m.destination);
  // Parents before their children, whichever list a mount came from.
  assert.ok(dests.indexOf('/data') < dests.indexOf('/data/own') && dests.indexOf('/data/own') < dests.indexOf('/data/own/inner'), dests.join(' '));
  assert.deepEqual(spec.process.env.filter((e) => /^(OWN|LINK_PORT)=/.test(e)), ['OWN=1', 'LINK_PORT=tcp://172.17.0.2:80']);
});

test('without a namespace from the attachments the container has an empty one of its own; host stays host', () => {
  const own = containerSpec(row(), rootfs, { additions: {} });
  assert.deepEqual(own.linux.namespaces.find((n) => n.type === 'network'), { type: 'network' });
  const host = containerSpec(row({ NetworkMode: 'host' }), rootfs, { additions: { netnsPath: '/run/netns/berth-x' } });
  assert.equal(host.linux.namespaces.find((n) => n.type === 'network'), undefined);
});

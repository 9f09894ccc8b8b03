// rootlesskit's refusals (its texts as Debian's rootlesskit 1.1.0 answers them, captured from
// its API) in the words and kinds berthd uses for the same thing on a rootful host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explain, ParentPorts, specOf } from './parent-ports.ts';
import { PortApiError, RootlessKitApi } from './port-api.ts';

const spec = specOf({ proto: 'tcp', hostIp: '127.0.0.1', hostPort: 81, containerIp: '10.1.0.2', containerPort: 80 });

test('the host side is rootlesskit\'s spec: every address is 0.0.0.0, the child is the container', () => {
  assert.deepEqual(specOf({ proto: 'udp', hostIp: '', hostPort: 5353, containerIp: '10.1.0.2', containerPort: 53 }),
    { proto: 'udp', parentIP: '0.0.0.0', parentPort: 5353, childIP: '10.1.0.2', childPort: 53 });
  assert.throws(() => specOf({ proto: 'sctp', hostIp: '', hostPort: 9, containerIp: '10.1.0.2', containerPort: 9 }), { kind: 'not-implemented' });
});

test('a privileged port names the host\'s limit and the sysctl that lifts it', () => {
  const text = "cannot expose privileged port 81, you can add 'net.ipv4.ip_unprivileged_port_start=81' to /etc/sysctl.conf (currently 1024), or set CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024): listen tcp 127.0.0.1:81: bind: permission denied";
  const err = explain(new PortApiError(400, text), spec);
  assert.equal((err as { kind?: string }).kind, 'forbidden');
  assert.equal(err.message, "cannot publish port 81: a rootless berthd listens on the host as an ordinary user, and the host keeps ports below 1024 (net.ipv4.ip_unprivileged_port_start) for root. As root, run 'sysctl -w net.ipv4.ip_unprivileged_port_start=81' (and put net.ipv4.ip_unprivileged_port_start=81 in /etc/sysctl.conf to keep it after a reboot), or publish a port >= 1024");
  // Without rootlesskit's annotation (its own read of the sysctl failed): the bare errno.
  const bare = explain(new PortApiError(400, 'listen tcp 127.0.0.1:81: bind: permission denied'), spec);
  assert.match(bare.message, /ports below its net\.ipv4\.ip_unprivileged_port_start for root.*or publish a port above it$/);
});

test('taken ports, missing addresses and the unreachable API', () => {
  const cases: [string, number, string, string][] = [
    ['listen tcp 127.0.0.1:81: bind: address already in use', 400, 'conflict', 'Bind for 127.0.0.1:81 failed: port is already in use'],
    ['conflict with ID 3', 400, 'conflict', 'Bind for 127.0.0.1:81 failed: port is already in use'],
    ['listen tcp 127.0.0.1:81: bind: cannot assign requested address', 400, 'invalid-parameter', 'listen tcp 127.0.0.1:81: bind: cannot assign requested address'],
    ["rootlesskit's API at /x/api.sock: connect ENOENT /x/api.sock", 0, 'system', "cannot publish 127.0.0.1:81/tcp: rootlesskit's API at /x/api.sock: connect ENOENT /x/api.sock"],
    ['something else', 500, 'system', 'cannot publish 127.0.0.1:81/tcp through rootlesskit: something else'],
  ];
  for (const [text, status, kind, message] of cases) {
    const err = explain(new PortApiError(status, text), spec);
    assert.deepEqual({ kind: (err as { kind?: string }).kind, message: err.message }, { kind, message }, text);
  }
});

test('a holder without the builtin port driver refuses publishing, saying which setting to undo', async () => {
  const map = { proto: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 8080, containerIp: '10.1.0.2', containerPort: 80, bridge: 'b' };
  const make = (driver: string | undefined) => new ParentPorts({
    api: new RootlessKitApi('/nonexistent/api.sock'), records: { of: () => [], all: () => [] }, inner: undefined,
    prepare: async () => undefined, driver: async () => driver,
  });
  await assert.rejects(make('slirp4netns').publish('c', [map]), { kind: 'not-implemented', message: /runs "slirp4netns": unset BERTHD_ROOTLESS_PORT_DRIVER/ });
  await assert.rejects(make(undefined).publish('c', [map]), { kind: 'not-implemented', message: /runs none \(BERTHD_ROOTLESS_NET=host or BERTHD_ROOTLESS_PORT_DRIVER=none\)/ });
});

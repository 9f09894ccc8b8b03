// A daemon without a default bridge (--bridge none, what test daemons run with): a container in
// the default mode has no network, and dockerd 20.10 still names `bridge` for it — with no id,
// no addresses and no Ports, published or not — and its stats have no networks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { run } from '../testing/run.ts';
import { freePort } from '../testing/free-port.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip, importChanges: ['EXPOSE 80/tcp'] });

async function api(path: string): Promise<unknown> {
  const r = await run('curl', ['-sf', '--unix-socket', f.d.socket, `http://d/v1.41${path}`]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('the default mode without a default bridge: `bridge` without an id, no Ports, no stats networks', { skip }, async () => {
  const r = await f.docker(['run', '-d', '--name', 'lone', '-p', `127.0.0.1:${await freePort()}:80`, 'busybox', 'sleep', '300']);
  assert.equal(r.code, 0, r.stderr);
  const empty = { IPAMConfig: null, Links: null, Aliases: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '', DriverOpts: null };
  const inspect = (await api('/containers/lone/json')) as { NetworkSettings: { Ports: unknown; Networks: unknown } };
  assert.deepEqual([inspect.NetworkSettings.Ports, inspect.NetworkSettings.Networks], [{}, { bridge: empty }]);
  const [entry] = (await api('/containers/json')) as { Ports: unknown; NetworkSettings: unknown }[];
  assert.deepEqual([entry!.Ports, entry!.NetworkSettings], [[], { Networks: { bridge: empty } }]);
  const filtered = (filters: object) => api(`/containers/json?filters=${encodeURIComponent(JSON.stringify(filters))}`).then((l) => (l as unknown[]).length);
  assert.deepEqual([await filtered({ network: ['bridge'] }), await filtered({ network: ['none'] }), await filtered({ expose: ['80'] })], [1, 0, 0]);
  const stats = (await api('/containers/lone/stats?stream=0&one-shot=1')) as { networks?: unknown };
  assert.equal(stats.networks, undefined);
  assert.equal((await f.docker(['rm', '-f', 'lone'])).code, 0);
});

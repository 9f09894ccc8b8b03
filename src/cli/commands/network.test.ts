// berth network ... against the docker CLI 28: both run against one replay engine answering with
// what Debian's dockerd 20.10 answered (API 1.41), and must print the same, exit the same and
// send the same requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, run, type RunResult } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';
import { startReplayEngine, type ReplayEngine, type Reply } from '../../testing/replay-engine.ts';

const skip = requires('docker');

/** GET /networks from dockerd 20.10: the built-in networks and a config-only one with everything set. */
const NETWORKS = [
  { Name: 'none', Id: 'b07ff9d9ae478c161f39eb43092005fdafd5e8fc8ded0a30116482979be8ba9d', Created: '2026-12-06T23:00:36.447486432Z', Scope: 'local', Driver: 'null', EnableIPv6: false, IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: {}, Labels: {} },
  { Name: 'host', Id: 'a46fb49eda18191efe2e069bf0c3a256bacaf35189e2a5d39c57bc76fbe1c67c', Created: '2026-12-06T23:00:36.457983041Z', Scope: 'local', Driver: 'host', EnableIPv6: false, IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: {}, Labels: {} },
  { Name: 'cfgA', Id: 'fd6edd744b0075a61618d219410565009d70960ada5efcee8d0f7d2aa681b7b3', Created: '2026-12-06T23:13:10.539841417Z', Scope: 'local', Driver: 'null', EnableIPv6: false, IPAM: { Driver: 'default', Options: { k: 'v' }, Config: [{ Subnet: '10.213.0.0/16', IPRange: '10.213.1.0/24', Gateway: '10.213.0.1', AuxiliaryAddresses: { a: '10.213.0.9' } }] }, Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: true, Containers: {}, Options: { foo: 'bar' }, Labels: { x: '1', y: '' } },
];

function respond(method: string, path: string): Reply | undefined {
  const [, , name, action] = path.split('/');
  const found = name && NETWORKS.find((n) => n.Name === name || n.Id.startsWith(name));
  const missing = { status: 404, body: { message: `network ${name} not found` } };
  if (method === 'GET' && path === '/networks') return { status: 200, body: NETWORKS };
  if (method === 'POST' && path === '/networks/create') return { status: 201, body: { Id: '0605f5cc4a41a37d474ebc677a6d0c0b1953b4feb51c6837bd57735a9edeb34c', Warning: '' } };
  if (method === 'POST' && path === '/networks/prune') return { status: 200, body: { NetworksDeleted: ['old-a', 'old-b'] } };
  if (method === 'GET' && action === undefined) return found ? { status: 200, body: found } : missing;
  if (method === 'DELETE') return found ? { status: 204 } : missing;
  if (method === 'POST' && action === 'connect' && name === 'none') return { status: 403, body: { message: 'container cannot be disconnected from host network or connected to host network' } };
  if (method === 'POST' && (action === 'connect' || action === 'disconnect')) return found ? { status: 200 } : missing;
  return undefined;
}

const SCENARIOS: { args: string[]; input?: string }[] = [
  { args: ['ls'] }, { args: ['list', '-q'] }, { args: ['ls', '--no-trunc'] }, { args: ['ls', '--format', 'json'] },
  { args: ['ls', '--format', 'table {{.Name}}\t{{.Label "x"}}\t{{.IPv4}}\t{{.CreatedAt}}'] }, // not .Labels: docker's order is Go's map order
  { args: ['ls', '--filter', 'label=x', '-f', 'name=cfg'] }, { args: ['ls', '--filter', 'bad'] },
  { args: ['create', '--subnet', '10.213.0.0/16', '--ip-range', '10.213.1.0/24', '--gateway', '10.213.0.1', '--aux-address', 'a=10.213.0.9', '--label', 'x=1', '--label', 'y', '-o', 'foo=bar', '--ipam-opt', 'k=v', '--internal', '--attachable', '--config-only', '-d', 'bridge', 'n1'] },
  { args: ['create', '--ipv6', '--ipv4=false', '--subnet', '10.1.0.0/16,fd00::/64', '--gateway', 'fd00::1', '--config-from', 'cfgA', '--scope', 'local', 'n2'] },
  { args: ['create', '--gateway', '10.1.0.1', 'n3'] }, { args: ['create', '--subnet', '10.1.0.0/16', '--subnet', '10.1.2.0/24', 'n3'] },
  { args: ['create', '--subnet', '10.1.0.0/16', '--ip-range', '10.2.0.0/24', 'n3'] }, { args: ['create', '--subnet', 'bogus', '--subnet', '10.1.0.0/16', 'n3'] },
  { args: ['create', '--subnet', '10.1.0.0/16', '--gateway', 'zz', 'n3'] }, { args: ['create'] },
  { args: ['inspect', 'cfgA'] }, { args: ['inspect', '-v', '--format', '{{.Name}} {{json .Labels}} {{range .IPAM.Config}}{{.Subnet}}{{end}}', 'cfgA', 'nope', 'host'] },
  { args: ['inspect', '--format', 'json', 'host'] }, { args: ['inspect', '--format', '{{.Nope}}', 'cfgA'] }, { args: ['inspect', '--format', '{{', 'cfgA'] }, { args: ['inspect', 'nope'] },
  { args: ['rm', 'cfgA', 'nope', 'host'] }, { args: ['rm', '-f', 'nope'] },
  { args: ['connect', '--alias', 'a1,a2', '--alias', 'a3', '--driver-opt', 'Foo=bar', '--gw-priority', '5', '--ip', '10.213.1.9', '--ip6', 'fd00::9', '--link', 'c1:x', '--link-local-ip', '169.254.1.1', 'cfgA', 'c1'] },
  { args: ['connect', 'none', 'c1'] }, { args: ['connect', 'cfgA'] }, { args: ['disconnect', '-f', 'cfgA', 'c1'] }, { args: ['disconnect', 'nope', 'c1'] },
  { args: ['prune', '-f'] }, { args: ['prune'], input: 'n\n' }, { args: ['prune', '--filter', 'until=24h', '--force'] }, { args: ['prune', '--filter', 'bad'] },
];

/** Fields docker sends empty in a connect's EndpointConfig (Go structs without omitempty), and
 * nulls anywhere: the daemon decodes them as it decodes their absence. */
const EMPTY_OPERATIONAL = ['MacAddress', 'NetworkID', 'EndpointID', 'Gateway', 'IPAddress', 'IPPrefixLen', 'IPv6Gateway', 'GlobalIPv6Address', 'GlobalIPv6PrefixLen', 'DNSNames'];

function normalized(body: string): unknown {
  if (!body) return body;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || (EMPTY_OPERATIONAL.includes(k) && (x === '' || x === 0))) continue;
      // docker builds IPAM.Config from a Go map of subnets: its order is random.
      out[k] = k === 'Config' && Array.isArray(x) ? (strip(x) as { Subnet?: string }[]).sort((a, b) => String(a.Subnet).localeCompare(String(b.Subnet))) : strip(x);
    }
    return out;
  };
  return strip(JSON.parse(body));
}

// 1.41 as the recording's daemon (create sends CheckDuplicate); 1.50 as docker 28's newest.
const engines = new Map<string, ReplayEngine>();
let config: string;
before(async () => {
  for (const v of ['1.41', '1.50']) engines.set(v, await startReplayEngine(v, respond));
  config = mkdtempSync(join(tmpdir(), 'berth-netcli-'));
});
after(async () => {
  for (const e of engines.values()) await e.close();
  rmSync(config, { recursive: true, force: true });
});

async function observe(version: string, cli: 'docker' | 'berth', args: string[], input?: string): Promise<RunResult & { requests: unknown[] }> {
  const engine = engines.get(version)!;
  engine.requests.length = 0;
  const env = { DOCKER_HOST: engine.host, DOCKER_CONFIG: config };
  const r = cli === 'docker' ? await run('docker', ['network', ...args], { env, input }) : await berth(['network', ...args], { env, input });
  const requests = engine.requests.map((q) => ({ method: q.method, path: q.path, body: normalized(q.body) }));
  return { ...r, stdout: sortedLabels(r.stdout), stderr: r.stderr.replaceAll('docker', 'berth'), requests };
}

/** `--format json` lines carry Labels as "k=v,..." in Go's map order, which is random: sorted. */
function sortedLabels(stdout: string): string {
  return stdout.replace(/"Labels":"([^"]*)"/g, (_, labels: string) => `"Labels":"${labels.split(',').sort().join(',')}"`);
}

for (const { args, input } of SCENARIOS) {
  for (const version of args[0] === 'create' ? ['1.41', '1.50'] : ['1.41']) {
    test(`API ${version}: berth network ${args.join(' ')} as docker network ${args.join(' ')}`, { skip }, async () => {
      const docker = await observe(version, 'docker', args, input);
      const ours = await observe(version, 'berth', args, input);
      assert.deepEqual(ours, docker);
    });
  }
}

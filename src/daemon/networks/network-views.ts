// Networks as the API shows them (GET /networks and /networks/{id}), and the list's filters
// with dockerd's semantics.
import { invalidParameter } from '../../api/types/errors.ts';
import { matchLabels, type Filters } from '../../api/query.ts';
import { poolOf } from './endpoint-allocation.ts';
import { PREDEFINED } from './network-spec.ts';
import { ipamStatus } from './ipam-status.ts';
import { versionAtLeast } from '../../api/types/version.ts';
import type { EndpointRecord, NetworkRow } from './types.ts';

export interface ViewDeps {
  endpointsOf(networkId: string): EndpointRecord[];
  /** A container's name without the slash, or undefined once it is gone. */
  containerName(id: string): string | undefined;
  /** Whether the container's process runs: dockerd's Containers are the active endpoints only. */
  running?(id: string): boolean;
}

/** `Containers` is filled for inspect only: the list has left it empty since API 1.28.
 * EnableIPv4 came with API 1.48, inspect's Status with 1.52. */
export function networkView(n: NetworkRow, deps: ViewDeps, inspect: boolean, version: string): Record<string, unknown> {
  const { Driver, Options, Config } = n.ipam;
  return {
    Name: n.name, Id: n.id, Created: n.created, Scope: n.scope, Driver: n.driver,
    ...(versionAtLeast(version, '1.48') && { EnableIPv4: true }), EnableIPv6: n.enableIPv6,
    IPAM: { Driver, Options, Config },
    Internal: n.internal, Attachable: n.attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: inspect ? containersOf(n, deps) : {},
    Options: n.options, Labels: n.labels,
    ...(inspect && versionAtLeast(version, '1.52') && { Status: ipamStatus(n, deps.endpointsOf(n.id)) }),
  };
}

function containersOf(n: NetworkRow, deps: ViewDeps): Record<string, unknown> {
  const v4 = poolOf(n, 4)?.subnet.prefix;
  const v6 = poolOf(n, 6)?.subnet.prefix;
  const out: Record<string, unknown> = {};
  for (const ep of deps.endpointsOf(n.id)) {
    if (deps.running && !deps.running(ep.containerId)) continue;
    out[ep.containerId] = {
      Name: deps.containerName(ep.containerId) ?? '',
      EndpointID: ep.endpointId,
      MacAddress: ep.mac,
      IPv4Address: ep.address ? `${ep.address}/${v4}` : '',
      IPv6Address: ep.ipv6Address ? `${ep.ipv6Address}/${v6}` : '',
    };
  }
  return out;
}

/** bridge, host and none: no user network may take their names. */
export const isPredefined = (n: NetworkRow): boolean => PREDEFINED.includes(n.name);

/** dockerd's filters.Match: the value itself, or a regular expression it matches. */
function goMatch(value: string, pattern: string): boolean {
  if (value === pattern) return true;
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

export function listFilter(filters: Filters, endpointCount: (id: string) => number): (n: NetworkRow) => boolean {
  const tests: ((n: NetworkRow) => boolean)[] = [];
  const any = (key: string, test: (n: NetworkRow, v: string) => boolean) => {
    const values = filters.get(key);
    if (values?.length) tests.push((n) => values.some((v) => test(n, v)));
  };
  any('name', (n, v) => goMatch(n.name, v));
  any('id', (n, v) => goMatch(n.id, v));
  any('driver', (n, v) => n.driver === v);
  any('scope', (n, v) => n.scope === v);
  for (const t of filters.get('type') ?? []) if (t !== 'custom' && t !== 'builtin') throw invalidParameter(`invalid filter: 'type'='${t}'`);
  any('type', (n, v) => isPredefined(n) === (v === 'builtin'));
  const labels = filters.get('label');
  if (labels?.length) tests.push((n) => matchLabels(n.labels, labels));
  const dangling = filters.get('dangling');
  if (dangling?.length) {
    const want = dangling.map(danglingValue);
    tests.push((n) => want.some((w) => w === (!isPredefined(n) && endpointCount(n.id) === 0)));
  }
  return (n) => tests.every((t) => t(n));
}

function danglingValue(v: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalidParameter(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`);
}

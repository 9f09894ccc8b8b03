// Networks: list, inspect, create, remove, connect, disconnect, prune. Bodies are checked
// against dockerd's Go types first (a `"Internal": "yes"` is its 400), then handed on with
// their keys spelled as the types spell them.
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { boolParam, parseFilters, type Filters } from '../query.ts';
import { invalidParameter } from '../types/errors.ts';
import { checkGoJson, go, type GoType } from '../go-decode.ts';
import type { EndpointSettings, IPAMConfig, NetworkCreateRequest } from '../types/engine-api.ts';

/** The create body as the API defines it, and CheckDuplicate, which API < 1.44 clients send. */
export type NetworkCreateBody = NetworkCreateRequest & { CheckDuplicate?: boolean };
export type IpamConfigBody = IPAMConfig;
/** What a connect may ask for one endpoint (the rest of EndpointSettings is operational data). */
export type EndpointSettingsBody = Pick<EndpointSettings, 'IPAMConfig' | 'Links' | 'Aliases' | 'MacAddress' | 'DriverOpts'>;

export interface NetworksBackend {
  list(filters: Filters, version: string): unknown[];
  inspect(idOrName: string, opts: { verbose: boolean; scope?: string; version: string }): unknown;
  create(body: NetworkCreateBody): Promise<{ Id: string; Warning: string }>;
  remove(idOrName: string): Promise<void>;
  connect(idOrName: string, container: string, config: EndpointSettingsBody): Promise<void>;
  disconnect(idOrName: string, container: string, force: boolean): Promise<void>;
  prune(filters: Filters): Promise<{ NetworksDeleted: string[] | null }>;
}

export const NETWORK_LIST_FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];

const IPAM_CONFIG: GoType = go.struct('network.IPAMConfig', { Subnet: go.string(), IPRange: go.string(), Gateway: go.string(), AuxiliaryAddresses: go.stringMap });
const CREATE_TYPE: GoType = go.struct('types.NetworkCreateRequest', {
  Name: go.string(), CheckDuplicate: go.bool, Driver: go.string(), Scope: go.string(), EnableIPv4: go.bool, EnableIPv6: go.bool,
  IPAM: go.struct('network.IPAM', { Driver: go.string(), Config: go.slice(IPAM_CONFIG), Options: go.stringMap }),
  Internal: go.bool, Attachable: go.bool, Ingress: go.bool, ConfigOnly: go.bool,
  ConfigFrom: go.struct('network.ConfigReference', { Network: go.string() }), Options: go.stringMap, Labels: go.stringMap,
});
const ENDPOINT_TYPE: GoType = go.struct('network.EndpointSettings', {
  IPAMConfig: go.struct('network.EndpointIPAMConfig', { IPv4Address: go.string(), IPv6Address: go.string(), LinkLocalIPs: go.strings }),
  Links: go.strings, Aliases: go.strings, MacAddress: go.string(), DriverOpts: go.stringMap,
});
const CONNECT_TYPE: GoType = go.struct('types.NetworkConnect', { Container: go.string(), EndpointConfig: ENDPOINT_TYPE });
const DISCONNECT_TYPE: GoType = go.struct('types.NetworkDisconnect', { Container: go.string(), Force: go.bool });

export function networksRoutes(b: NetworksBackend): Route[] {
  return [
    { method: 'GET', path: '/networks', handler: (ctx) => ctx.sendJson(200, b.list(parseFilters(ctx.query.get('filters'), NETWORK_LIST_FILTERS), ctx.version)) },
    { method: 'GET', path: '/networks/:id', handler: (ctx) => inspect(ctx, b) },
    { method: 'POST', path: '/networks/create', handler: (ctx) => create(ctx, b) },
    { method: 'DELETE', path: '/networks/:id', handler: async (ctx) => (await b.remove(ctx.params.id!), ctx.sendEmpty(204)) },
    { method: 'POST', path: '/networks/:id/connect', handler: (ctx) => connect(ctx, b) },
    { method: 'POST', path: '/networks/:id/disconnect', handler: (ctx) => disconnect(ctx, b) },
    { method: 'POST', path: '/networks/prune', minVersion: '1.25', handler: async (ctx) => ctx.sendJson(200, await b.prune(parseFilters(ctx.query.get('filters'), ['until', 'label', 'label!']))) },
  ];
}

function inspect(ctx: RequestContext, b: NetworksBackend): void {
  const scope = ctx.query.get('scope') || undefined;
  ctx.sendJson(200, b.inspect(ctx.params.id!, { verbose: boolParam(ctx.query, 'verbose'), version: ctx.version, ...(scope && { scope }) }));
}

/** The body as a checked object of `type` (an absent body is `{}`). */
async function body<T>(ctx: RequestContext, type: GoType): Promise<T> {
  const v = (await ctx.json<unknown>()) ?? {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type ${type.name}`);
  checkGoJson(v, type);
  return v as T;
}

async function create(ctx: RequestContext, b: NetworksBackend): Promise<void> {
  const req = await body<NetworkCreateBody>(ctx, CREATE_TYPE);
  if (req.Name) ctx.guard?.named(req.Name);
  ctx.sendJson(201, await b.create({ ...req, Name: req.Name ?? '' }));
}

async function connect(ctx: RequestContext, b: NetworksBackend): Promise<void> {
  const req = await body<{ Container?: string; EndpointConfig?: EndpointSettingsBody | null }>(ctx, CONNECT_TYPE);
  const container = containerOf(req.Container);
  ctx.guard?.otherContainer(container);
  await b.connect(ctx.params.id!, container, req.EndpointConfig ?? {});
  ctx.sendEmpty(200);
}

async function disconnect(ctx: RequestContext, b: NetworksBackend): Promise<void> {
  const req = await body<{ Container?: string; Force?: boolean }>(ctx, DISCONNECT_TYPE);
  const container = containerOf(req.Container);
  ctx.guard?.otherContainer(container);
  await b.disconnect(ctx.params.id!, container, req.Force === true);
  ctx.sendEmpty(200);
}

function containerOf(c: string | undefined): string {
  if (!c) throw invalidParameter(`invalid name or ID supplied: ${JSON.stringify(c ?? '')}`);
  return c;
}

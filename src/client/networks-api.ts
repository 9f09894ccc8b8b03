// Network operations of the Engine API, typed with the API's own shapes (api/types/engine-api.ts),
// sent as the docker client sends them.
import type { ApiClient } from './api-client.ts';
import { encodeFilters } from './images-api.ts';
import { versionLessThan } from '../api/types/version.ts';
import type { EndpointSettings, Network, NetworkCreateRequest, NetworkCreateResponse } from '../api/types/engine-api.ts';

export interface NetworkPruneReport {
  NetworksDeleted: string[] | null;
}

export class NetworksApi {
  readonly #c: ApiClient;
  constructor(client: ApiClient) {
    this.#c = client;
  }

  list(opts: { filters?: Record<string, string[]> } = {}): Promise<Network[]> {
    return this.#c.json('GET', '/networks', { query: { filters: encodeFilters(opts.filters) } });
  }
  inspect(idOrName: string, opts: { verbose?: boolean; scope?: string } = {}): Promise<Network> {
    return this.#c.json('GET', networkPath(idOrName), { query: { verbose: opts.verbose ? 'true' : undefined, scope: opts.scope || undefined } });
  }
  async create(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    // Daemons before API 1.44 allow two networks of one name unless asked not to; later ones never do.
    const version = await this.#c.negotiate();
    const body = versionLessThan(version, '1.44') ? { ...req, CheckDuplicate: true } : req;
    return this.#c.json('POST', '/networks/create', { body });
  }
  async remove(idOrName: string): Promise<void> {
    await this.#c.whole('DELETE', networkPath(idOrName));
  }
  async connect(idOrName: string, container: string, endpointConfig?: EndpointSettings): Promise<void> {
    const body = { Container: container, ...(endpointConfig && { EndpointConfig: endpointConfig }) };
    await this.#c.whole('POST', `${networkPath(idOrName)}/connect`, { body });
  }
  async disconnect(idOrName: string, container: string, force = false): Promise<void> {
    await this.#c.whole('POST', `${networkPath(idOrName)}/disconnect`, { body: { Container: container, Force: force } });
  }
  prune(filters?: Record<string, string[]>): Promise<NetworkPruneReport> {
    return this.#c.json('POST', '/networks/prune', { query: { filters: encodeFilters(filters) } });
  }
}

function networkPath(idOrName: string): string {
  return `/networks/${encodeURIComponent(idOrName)}`;
}

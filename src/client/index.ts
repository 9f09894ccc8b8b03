// berth's API client, for the CLI and for TypeScript programs:
//   const client = createClient({ endpoint: { host: 'unix:///run/berth/berth.sock' } });
//   console.log(await client.system.version());
import { ApiClient, type ClientOptions } from './api-client.ts';
import { SystemApi } from './system-api.ts';
import { ImagesApi } from './images-api.ts';
import { ContainersApi, ExecApi } from './containers-api.ts';
import { VolumesApi } from './volumes-api.ts';
import { NetworksApi } from './networks-api.ts';
import { BuildApi } from './build-api.ts';

export interface BerthClient {
  api: ApiClient;
  system: SystemApi;
  images: ImagesApi;
  containers: ContainersApi;
  exec: ExecApi;
  volumes: VolumesApi;
  networks: NetworksApi;
  build: BuildApi;
}

export function createClient(opts: ClientOptions): BerthClient {
  const api = new ApiClient(opts);
  return {
    api, system: new SystemApi(api), images: new ImagesApi(api), containers: new ContainersApi(api), exec: new ExecApi(api),
    volumes: new VolumesApi(api), networks: new NetworksApi(api), build: new BuildApi(api),
  };
}

export { ApiClient } from './api-client.ts';
export { ImagesApi, encodeRegistryAuth, jsonMessages } from './images-api.ts';
export { ContainersApi } from './containers-api.ts';
export { VolumesApi } from './volumes-api.ts';
export type { Volume, VolumeCreateOptions } from './volumes-api.ts';
export { NetworksApi, type NetworkPruneReport } from './networks-api.ts';
export { BuildApi } from './build-api.ts';
export type { BuildQuery, BuildRequestOptions, BuildCachePruneOptions, BuildCachePruneReport, BuildCacheRecord } from './build-api.ts';
export type { ContainerSummary, CreateResponse } from './containers-api.ts';
export type { ImageListOptions, PullOptions, PushOptions, ImportOptions } from './images-api.ts';
export type { ClientOptions, RequestOptions } from './api-client.ts';
export { DEFAULT_HOST, parseHost, type Endpoint, type TlsFiles } from './endpoint.ts';
export { ConnectError } from './connect-error.ts';
export { BerthError } from '../api/types/errors.ts';
export type * from './types.ts';

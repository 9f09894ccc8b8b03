// The OCI distribution client: what `POST /auth` uses now and image pull/push build on.
export { decodeRegistryAuthHeader, resolveCredentials, type AuthConfig, type Credentials } from './auth-config.ts';
export { parseWWWAuthenticate, pickChallenge, type Challenge } from './challenge.ts';
export { RegistryClient, type RegistryClientOptions, type RegistryRequestInit } from './client.ts';
export { readCertsDir, registryEndpoints, type EndpointOptions, type RegistryEndpoint } from './endpoints.ts';
export { DOCKER_HUB, hostOnly, isInsecureRegistry, normalizeRegistryHost, type RegistryHost } from './hosts.ts';
export { login, type LoginOptions, type LoginResult } from './login.ts';
export { responseErrorMessage, statusLine } from './response-error.ts';
export { TokenAuthenticator, type RealmConnection, type TokenAuthenticatorOptions } from './token.ts';
export { nodeTransport, type TlsSettings, type Transport, type TransportInit } from './transport.ts';
// Pull and push, for the image service (which owns the image store and layer extraction).
export { resolveImage, fetchManifestDescriptor, fetchBlobBytes, type ResolvedImage, type DistributionInspect } from './pull.ts';
export { downloadLayers, type LayerEvent, type DownloadOptions } from './download.ts';
export { pushImage, type PushableImage, type PushOptions, type PushEvent, type PushResult } from './push.ts';
export { blobExists, uploadBlob, type UploadOptions, type UploadOutcome } from './blob-upload.ts';
export { fetchManifest, putManifest, pullScope, pushScope, type FetchedManifest } from './manifest.ts';
export { decompressorFor, foreignLayerRefusal, isLayerMediaType, layerCompression, manifestKind, MANIFEST_ACCEPT, type Compression } from './media.ts';
export { DEFAULT_PLATFORM, normalizePlatform, platformString, selectManifest } from './platform.ts';
export { searchRegistry, type SearchResult } from './search.ts';

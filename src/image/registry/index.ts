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

// A build's credentials: POST /build's X-Registry-Config is base64(JSON) of every registry's
// AuthConfig the client knows, keyed by server address (Docker Hub as
// "https://index.docker.io/v1/"). A FROM's pull takes the entry of its image's registry, handed
// to the pull as the X-Registry-Auth it would have had. A malformed header is no credentials,
// as dockerd ignores it (a pull of a public image needs none).
import { normalizeRegistryHost } from '../../image/registry/hosts.ts';
import { parseReference } from '../../image/reference.ts';

export function registryConfigAuth(header: string | undefined): (ref: string) => string | undefined {
  let parsed: unknown = {};
  try {
    parsed = header ? JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) : {};
  } catch {
    // malformed: no credentials
  }
  return registriesAuth(parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {});
}

/** The same from the header already decoded (POST /build's BuildRequest.authConfigs). */
export function registriesAuth(configs: Record<string, unknown>): (ref: string) => string | undefined {
  const byRegistry = new Map<string, unknown>();
  for (const [address, auth] of Object.entries(configs)) {
    const name = registryName(address);
    if (name && auth && typeof auth === 'object') byRegistry.set(name, auth);
  }
  return (ref) => {
    const auth = byRegistry.get(registryName(parseReference(ref).domain) ?? '');
    return auth ? Buffer.from(JSON.stringify(auth)).toString('base64url') : undefined;
  };
}

function registryName(address: string): string | undefined {
  try {
    return normalizeRegistryHost(address).name;
  } catch {
    return undefined;
  }
}

// A registry client for one pull or push, with the daemon's registry settings and the
// caller's credentials from X-Registry-Auth (ignored when malformed, as dockerd does).
import { RegistryClient, decodeRegistryAuthHeader, type AuthConfig } from '../../image/registry/index.ts';
import type { DaemonConfig } from '../config/types.ts';
import { registryCertsDir } from '../registry-login.ts';
import { ENGINE_VERSION } from '../../lib/build-info.ts';

export function registryClientFor(domain: string, authHeader: string | undefined, config: DaemonConfig): RegistryClient {
  let auth: AuthConfig | undefined;
  try {
    auth = authHeader ? decodeRegistryAuthHeader(authHeader) : undefined;
  } catch {
    auth = undefined;
  }
  return new RegistryClient(domain, {
    ...(auth && { auth }),
    insecureRegistries: config.insecureRegistries,
    certsDir: registryCertsDir(config),
    userAgent: `berth/${ENGINE_VERSION}`,
  });
}

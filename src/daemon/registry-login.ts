// POST /auth through the registry client, with the daemon's registry settings.
import { dirname, join } from 'node:path';
import { login } from '../image/registry/index.ts';
import type { AuthConfig } from '../api/routers/system.ts';
import type { DaemonConfig } from './config/types.ts';
import { ENGINE_VERSION } from '../lib/build-info.ts';

/**
 * Per-registry CA certificates and client certificates, in dockerd's certs.d layout, beside
 * the daemon's config file (/etc/berth/certs.d by default).
 */
export function registryCertsDir(config: DaemonConfig): string {
  return join(dirname(config.configFile), 'certs.d');
}

export function registryLogin(auth: AuthConfig, config: DaemonConfig): Promise<{ Status: string; IdentityToken: string }> {
  return login(auth, {
    insecureRegistries: config.insecureRegistries,
    certsDir: registryCertsDir(config),
    userAgent: `berth/${ENGINE_VERSION}`,
  });
}

// POST /auth through the registry client, with the daemon's registry settings.
import { login } from '../image/registry/index.ts';
import type { AuthConfig } from '../api/routers/system.ts';
import type { DaemonConfig } from './config/types.ts';
import { ENGINE_VERSION } from '../lib/build-info.ts';

/** Per-registry CA certificates live where dockerd keeps them, under our own /etc dir. */
export const REGISTRY_CERTS_DIR = '/etc/berth/certs.d';

export function registryLogin(auth: AuthConfig, config: DaemonConfig): Promise<{ Status: string; IdentityToken: string }> {
  return login(auth, {
    insecureRegistries: config.insecureRegistries,
    certsDir: REGISTRY_CERTS_DIR,
    userAgent: `berth/${ENGINE_VERSION}`,
  });
}

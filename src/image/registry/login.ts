// `POST /auth`: check credentials against a registry the way dockerd's loginV2 does — one
// GET /v2/ through the registry client, which answers a Basic challenge with the password or
// a Bearer challenge with a token fetched (without scope) from the realm, and must then get 200.
import { BerthError, systemError, unauthorized } from '../../api/types/errors.ts';
import type { AuthConfig } from './auth-config.ts';
import { RegistryClient, type RegistryClientOptions } from './client.ts';
import { normalizeRegistryHost } from './hosts.ts';
import { statusLine } from './response-error.ts';

export type LoginOptions = Omit<RegistryClientOptions, 'auth' | 'offlineAccess'>;

export interface LoginResult {
  Status: 'Login Succeeded';
  /** A refresh token the realm issued (or the one given); '' when there is none. */
  IdentityToken: string;
}

export async function login(auth: AuthConfig, opts: LoginOptions = {}): Promise<LoginResult> {
  const registry = normalizeRegistryHost(auth.serveraddress);
  // dockerd asks for an offline (refresh) token on login so the CLI can store it instead of a password.
  const client = new RegistryClient(registry, { ...opts, auth, offlineAccess: true });
  let res: Response;
  try {
    res = await client.request('/v2/');
  } catch (err) {
    if (err instanceof BerthError) throw err;
    throw systemError(`login to ${registry.apiHost} failed: ${(err as Error).message}`, err);
  }
  await res.body?.cancel();
  if (res.status === 200) return { Status: 'Login Succeeded', IdentityToken: client.identityToken };
  const text = `login attempt to ${client.baseUrl}/v2/ failed with status: ${statusLine(res.status)}`;
  throw res.status === 401 || res.status === 403 ? unauthorized(text) : systemError(text);
}

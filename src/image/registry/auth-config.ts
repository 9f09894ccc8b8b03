// Decoding the credentials a client hands berthd (api/types/auth-config.ts): the
// `X-Registry-Auth` header on pull/push, and the user/password they stand for.
import { invalidParameter } from '../../api/types/errors.ts';

import type { AuthConfig } from '../../api/types/auth-config.ts';

export type { AuthConfig };

export interface Credentials {
  username: string;
  password: string;
  identityToken: string;
}

/** Username and password, decoding `auth` when the explicit fields are both empty. */
export function resolveCredentials(auth: AuthConfig | undefined): Credentials {
  let username = auth?.username ?? '';
  let password = auth?.password ?? '';
  if (!username && !password && auth?.auth) {
    const plain = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon > 0) {
      username = plain.slice(0, colon);
      password = plain.slice(colon + 1);
    }
  }
  return { username, password, identityToken: auth?.identitytoken ?? '' };
}

const AUTH_FIELDS = [
  'username',
  'password',
  'auth',
  'email',
  'serveraddress',
  'identitytoken',
  'registrytoken',
] as const;

const BAD_HEADER = 'invalid X-Registry-Auth header: must be a valid base64url-encoded string';

/**
 * Decodes `X-Registry-Auth`. Docker CLIs send base64url, older ones padded and some plain
 * base64, so both alphabets and both paddings are accepted; anything else is refused rather
 * than half-decoded (Buffer's decoder silently skips bad characters). Empty or `{}` → undefined.
 */
export function decodeRegistryAuthHeader(value: string | undefined | null): AuthConfig | undefined {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw invalidParameter(BAD_HEADER);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidParameter(BAD_HEADER);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter(BAD_HEADER);
  const out: AuthConfig = {};
  for (const key of AUTH_FIELDS) {
    // Field names are case-insensitive in Go's JSON decoding, which is what dockerd uses.
    const entry = Object.entries(parsed).find(([k]) => k.toLowerCase() === key);
    if (typeof entry?.[1] === 'string' && entry[1] !== '') out[key] = entry[1];
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

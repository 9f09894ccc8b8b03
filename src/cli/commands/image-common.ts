// What the image commands share: names parsed as the docker CLI parses them (its errors are the
// client's, not the daemon's), registry credentials for X-Registry-Auth, --platform values and
// docker's help texts.
import type { CliEnv } from '../cli-env.ts';
import type { AuthConfig } from '../../client/types.ts';
import { loadCredentials, registryKey } from '../config/credentials.ts';
import { parseReference, type Reference } from '../../image/reference.ts';

export const LIST_FORMAT_HELP =
  "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";
export const INSPECT_FORMAT_HELP =
  "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";
export const PLATFORM_HELP = (what: string) => `${what}. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")`;

/** reference.ParseNormalizedNamed: a bad name is the client's own error, printed without a prefix. */
export function parseNamed(raw: string): Reference {
  try {
    return parseReference(raw);
  } catch (err) {
    throw new Error((err as Error).message);
  }
}

/** reference.IsNameOnly */
export const isNameOnly = (ref: Reference): boolean => !ref.tag && !ref.digest;

/**
 * command.ResolveAuthConfig: the credentials stored for the image's registry (Docker Hub under
 * https://index.docker.io/v1/), with serveraddress set to that key; `{}` when there are none.
 */
export function registryAuth(env: CliEnv, domain: string): AuthConfig {
  const key = registryKey(domain);
  let creds = loadCredentials(env.configDir, key);
  // Older config files keep entries under URLs such as https://host/v1/.
  for (const other of Object.keys(env.configFile.auths ?? {})) {
    if (creds) break;
    if (other !== key && registryKey(other) === key) creds = loadCredentials(env.configDir, other);
  }
  if (!creds) return {};
  return {
    ...(creds.username && { username: creds.username }),
    ...(creds.password && { password: creds.password }),
    serveraddress: key,
    ...(creds.identitytoken && { identitytoken: creds.identitytoken }),
  };
}

const ARCH_ALIASES: Record<string, [string, string?]> = {
  x86_64: ['amd64'], 'x86-64': ['amd64'], aarch64: ['arm64'], armhf: ['arm', 'v7'], armel: ['arm', 'v6'], i386: ['386'],
};

/** containerd's platforms.Parse, marshalled as the API's JSON platform object (push, save, load, ...). */
export function platformJson(raw: string): string {
  const parts = raw.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new Error(`invalid platform "${raw}": ${parts.length > 3 ? 'cannot parse platform specifier' : 'invalid platform specifier'}`);
  }
  const os = parts[0]!;
  let arch = parts[1] ?? (process.arch === 'x64' ? 'amd64' : process.arch);
  let variant: string | undefined = parts[2];
  const alias = ARCH_ALIASES[arch];
  if (alias) [arch, variant] = [alias[0], variant ?? alias[1]];
  if (arch === 'arm64' && (variant === '8' || variant === 'v8')) variant = undefined;
  if (arch === 'arm' && variant && /^\d$/.test(variant)) variant = `v${variant}`;
  return JSON.stringify({ architecture: arch, os, ...(variant && { variant }) });
}

// Registry credentials kept as the docker CLI keeps them: base64 "user:password" under
// `auths[server]` in config.json, or in a credential helper (`credsStore` / `credHelpers`,
// the docker-credential-<name> protocol) when one is configured.
import { spawnSync } from 'node:child_process';
import { loadConfigFile, saveConfigFile, type DockerConfigFile } from './docker-config.ts';

export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

export interface Credentials {
  username: string;
  password?: string;
  identitytoken?: string;
}

/** docker's key for a registry: Docker Hub's legacy URL, or host[:port]. */
export function registryKey(server: string | undefined): string {
  if (!server) return DOCKER_HUB_KEY;
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(host)) return DOCKER_HUB_KEY;
  return host;
}

function helperFor(config: DockerConfigFile, key: string): string | undefined {
  return config.credHelpers?.[key] ?? config.credsStore;
}

function runHelper(helper: string, verb: string, input: string): string {
  const r = spawnSync(`docker-credential-${helper}`, [verb], { input, encoding: 'utf8' });
  if (r.error) throw new Error(`error getting credentials - err: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`credential helper docker-credential-${helper} ${verb} failed: ${(r.stdout || r.stderr).trim()}`);
  return r.stdout;
}

export function storeCredentials(dir: string, key: string, c: Credentials): { file?: string } {
  const config = loadConfigFile(dir);
  const helper = helperFor(config, key);
  if (helper) {
    const secret = c.identitytoken ?? c.password ?? '';
    runHelper(helper, 'store', JSON.stringify({ ServerURL: key, Username: c.identitytoken ? '<token>' : c.username, Secret: secret }));
    config.auths = { ...config.auths, [key]: {} };
    saveConfigFile(dir, config);
    return {};
  }
  const entry = c.identitytoken
    ? { auth: Buffer.from(`${c.username}:`).toString('base64'), identitytoken: c.identitytoken }
    : { auth: Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64') };
  config.auths = { ...config.auths, [key]: entry };
  saveConfigFile(dir, config);
  return { file: `${dir}/config.json` };
}

export function loadCredentials(dir: string, key: string): Credentials | undefined {
  const config = loadConfigFile(dir);
  const helper = helperFor(config, key);
  if (helper) {
    try {
      const { Username, Secret } = JSON.parse(runHelper(helper, 'get', key)) as { Username: string; Secret: string };
      return Username === '<token>' ? { username: '', identitytoken: Secret } : { username: Username, password: Secret };
    } catch {
      return undefined;
    }
  }
  const entry = config.auths?.[key];
  if (!entry?.auth) return entry?.identitytoken ? { username: '', identitytoken: entry.identitytoken } : undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    ...(entry.identitytoken && { identitytoken: entry.identitytoken }),
  };
}

/** False when there was nothing stored for the server. */
export function eraseCredentials(dir: string, key: string): boolean {
  const config = loadConfigFile(dir);
  const had = Boolean(config.auths && key in config.auths);
  const helper = helperFor(config, key);
  if (helper) {
    try {
      runHelper(helper, 'erase', key);
    } catch {
      /* the helper may hold nothing for it */
    }
  }
  if (config.auths) delete config.auths[key];
  saveConfigFile(dir, config);
  return had;
}

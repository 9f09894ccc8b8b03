// The CLI's config.json, in docker's own file ($DOCKER_CONFIG or ~/.docker/config.json) so
// berth and docker share credentials and the current context. Keys berth does not know are
// kept as they are when the file is written back.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AuthEntry {
  auth?: string;
  identitytoken?: string;
  email?: string;
}

export interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  currentContext?: string;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  HttpHeaders?: Record<string, string>;
  psFormat?: string;
  imagesFormat?: string;
  detachKeys?: string;
  [key: string]: unknown;
}

export function configDir(flag?: string): string {
  return flag || process.env.DOCKER_CONFIG || join(homedir(), '.docker');
}

export function loadConfigFile(dir: string): DockerConfigFile {
  let text: string;
  try {
    text = readFileSync(join(dir, 'config.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as DockerConfigFile;
  } catch (err) {
    throw new Error(`failed to parse ${join(dir, 'config.json')}: ${(err as Error).message}`);
  }
}

/** Atomic write: a crash never leaves a half-written config.json. */
export function saveConfigFile(dir: string, config: DockerConfigFile): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'config.json');
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(config, null, '\t') + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

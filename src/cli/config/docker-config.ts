// The CLI's config.json, in docker's own file ($DOCKER_CONFIG or ~/.docker/config.json) so
// berth and docker share credentials and the current context. Keys berth does not know are
// kept as they are when the file is written back.
import { readFileSync, writeFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
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
  // HOME first, as os.homedir() itself does: node:os is not loaded for it at every start (nor
  // imported: even the bundle's lazy stand-in costs a copy of its exports).
  return flag || process.env.DOCKER_CONFIG || join(process.env.HOME || process.getBuiltinModule('node:os').homedir(), '.docker');
}

export function loadConfigFile(dir: string): DockerConfigFile {
  const file = join(dir, 'config.json');
  // Most machines have none: asked first, so a start does not pay for an ENOENT exception.
  if (!statSync(file, { throwIfNoEntry: false })) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
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

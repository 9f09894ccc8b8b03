// The docker CLI context `rootless`, in docker's own context store (~/.docker/contexts), as
// dockerd-rootless-setuptool.sh makes one for rootless dockerd: both CLIs list it and use it.
import { ContextStore } from '../cli/context/store.ts';
import { loadConfigFile, saveConfigFile } from '../cli/config/docker-config.ts';

export const CONTEXT_NAME = 'rootless';
const DESCRIPTION = 'Rootless mode (berthd)';

export type ContextResult = { made: 'created' | 'exists' } | { made: 'other'; host: string };

/** Makes the context unless one of that name exists; one pointing elsewhere is left alone. */
export function ensureContext(dockerConfig: string, host: string): ContextResult {
  const store = new ContextStore(dockerConfig);
  if (store.exists(CONTEXT_NAME)) {
    const existing = store.get(CONTEXT_NAME).Endpoints.docker?.Host ?? '';
    return existing === host ? { made: 'exists' } : { made: 'other', host: existing };
  }
  store.save({ Name: CONTEXT_NAME, Metadata: { Description: DESCRIPTION }, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } });
  return { made: 'created' };
}

/** `docker context use rootless`: config.json's currentContext. */
export function useContext(dockerConfig: string, name: string): void {
  const config = loadConfigFile(dockerConfig);
  if (name === 'default') delete config.currentContext;
  else config.currentContext = name;
  saveConfigFile(dockerConfig, config);
}

export function currentContext(dockerConfig: string): string {
  return loadConfigFile(dockerConfig).currentContext || 'default';
}

/** Removes the context if it is ours (points at `host`); the current one falls back to default. */
export function removeContext(dockerConfig: string, host: string): 'removed' | 'absent' | 'other' {
  const store = new ContextStore(dockerConfig);
  if (!store.exists(CONTEXT_NAME)) return 'absent';
  if ((store.get(CONTEXT_NAME).Endpoints.docker?.Host ?? '') !== host) return 'other';
  if (currentContext(dockerConfig) === CONTEXT_NAME) useContext(dockerConfig, 'default');
  store.remove(CONTEXT_NAME);
  return 'removed';
}

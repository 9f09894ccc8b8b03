// What a container runs and with which environment, by dockerd's rules (daemon/commit.go merge,
// create.go mergeAndVerifyConfig, container.CreateDaemonEnvironment).
import { invalidParameter } from '../../api/types/errors.ts';
import type { ContainerConfig } from '../../image/types.ts';

export const DEFAULT_PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface CommandRequest {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
}

/**
 * The process args. The image's Cmd applies only when the request gives neither Entrypoint nor
 * Cmd — an explicit Entrypoint resets it, since image Cmds are arguments for the image's own
 * entrypoint. The image's Entrypoint applies only when the request's is absent (null/undefined,
 * not []); `[""]` (`--entrypoint ""`) clears it.
 */
export function resolveCommand(image: ContainerConfig | undefined, create: CommandRequest): string[] {
  let entrypoint = create.Entrypoint;
  let cmd = create.Cmd;
  if (!entrypoint?.length) {
    if (!cmd?.length) cmd = image?.Cmd;
    if (entrypoint == null) entrypoint = image?.Entrypoint;
  }
  if (entrypoint?.length === 1 && entrypoint[0] === '') entrypoint = null;
  const args = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (args.length === 0) throw invalidParameter('no command specified');
  return args;
}

/** Docker's create-time merge: the user's Env, then each image variable the user did not set. */
export function mergeEnv(imageEnv: readonly string[] = [], userEnv: readonly string[] = []): string[] {
  if (userEnv.length === 0) return [...imageEnv];
  const userKeys = new Set(userEnv.map(envKey));
  return [...userEnv, ...imageEnv.filter((e) => !userKeys.has(envKey(e)))];
}

function envKey(e: string): string {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
}

/**
 * The process environment: PATH, HOSTNAME and (with a tty) TERM=xterm first, then the container's
 * Env replacing those by key or appended; a bare `KEY` (no `=`) removes KEY, as Docker's
 * ReplaceOrAppendEnvValues does.
 */
export function processEnv(env: readonly string[], hostname: string, tty: boolean): string[] {
  const out: (string | undefined)[] = [`PATH=${DEFAULT_PATH_ENV}`, `HOSTNAME=${hostname}`];
  if (tty) out.push('TERM=xterm');
  const index = new Map<string, number>();
  out.forEach((e, i) => index.set(envKey(e!), i));
  for (const e of env) {
    const key = envKey(e);
    const at = index.get(key);
    if (!e.includes('=')) {
      if (at !== undefined) out[at] = undefined;
      continue;
    }
    if (at !== undefined) out[at] = e;
    else index.set(key, out.push(e) - 1);
  }
  return out.filter((e): e is string => e !== undefined);
}

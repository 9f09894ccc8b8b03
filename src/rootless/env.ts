// What tells a berthd process that it is rootless, and where its namespace holder lives.
//
// Interface (stable; 15b's networking and 15c's setup/info read it):
//  - BERTH_ROOTLESS_ENV ("BERTH_ROOTLESSKIT_STATE_DIR") is set by the launcher (launch.ts) in the
//    environment of the berthd it runs inside rootlesskit's namespaces: the holder's state dir
//    (`$XDG_RUNTIME_DIR/berth/rootlesskit`), which holds `child_pid` and rootlesskit's API socket
//    `api.sock` (its port driver, for published ports).
//  - runsRootless(): this berthd is rootless — started by an ordinary user (the outer launcher,
//    before the namespaces), or the inner one the launcher started (the marker is set).
//  - rootlessChild(): the inner berthd's view (undefined outside): the state dir, the API socket,
//    and the host uid the namespace's root stands for.
// The marker is only trusted together with euid 0 in a user namespace: an ordinary user who sets
// it by hand gets the launcher's refusal, not a daemon that believes it is inside.
import { join } from 'node:path';
import { inUserNamespace } from '../lib/userns.ts';

export const BERTH_ROOTLESS_ENV = 'BERTH_ROOTLESSKIT_STATE_DIR';
/** The host uid berthd runs as (the user whose namespace it is), set next to the marker. */
export const BERTH_ROOTLESS_UID_ENV = 'BERTH_ROOTLESS_HOST_UID';

type Env = Readonly<Record<string, string | undefined>>;

export interface RootlessChild {
  /** rootlesskit's --state-dir. */
  stateDir: string;
  /** rootlesskit's REST API (port driver): `<stateDir>/api.sock`. */
  apiSocket: string;
  /** The host uid that the namespace's uid 0 is. */
  hostUid: number;
}

/** berthd runs (or is about to run) rootless. */
export function runsRootless(env: Env = process.env): boolean {
  return process.geteuid!() !== 0 || rootlessChild(env) !== undefined;
}

/** Outer berthd of an ordinary user: it must start (or join) the namespaces first. */
export function needsNamespaces(): boolean {
  return process.geteuid!() !== 0;
}

/** Inside the holder's namespaces: the marker, euid 0, and a user namespace. */
export function rootlessChild(env: Env = process.env): RootlessChild | undefined {
  const stateDir = env[BERTH_ROOTLESS_ENV];
  if (!stateDir || process.geteuid!() !== 0 || !inUserNamespace()) return undefined;
  return { stateDir, apiSocket: join(stateDir, 'api.sock'), hostUid: Number(env[BERTH_ROOTLESS_UID_ENV] ?? -1) };
}

// Where a rootless berthd keeps its files (src/rootless/paths.ts decides; asked here, not
// repeated), and where the setup tool writes the unit and the CLI context. The tool must work
// without XDG_RUNTIME_DIR too — `check` says what to set — so what lives there is optional.
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { rootlessPaths as daemonPaths } from '../rootless/paths.ts';

export interface SetupUser {
  uid: number;
  gid: number;
  name: string;
  home: string;
}

/** The files the setup tool checks, installs and removes: the daemon's own (rootless/paths.ts) and its unit's. */
export interface SetupPaths {
  /** XDG_RUNTIME_DIR, or undefined when it is not set (the rest of this group with it). */
  runtimeDir: string | undefined;
  /** unix://$XDG_RUNTIME_DIR/berth/berth.sock */
  host: string | undefined;
  socket: string | undefined;
  pidfile: string | undefined;
  /** rootlesskit's state dir: the namespace holder that outlives berthd. */
  holderStateDir: string | undefined;
  dataRoot: string;
  configFile: string;
  unitFile: string;
  /** docker's config directory (contexts, config.json). */
  dockerConfig: string;
}

export function currentUser(): SetupUser {
  const u = userInfo();
  return { uid: u.uid, gid: u.gid, name: u.username, home: process.env.HOME || u.homedir || homedir() };
}

export function setupPaths(env: NodeJS.ProcessEnv = process.env, home = currentUser().home): SetupPaths {
  const runtimeDir = env.XDG_RUNTIME_DIR && isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : undefined;
  // A placeholder runtime dir gives the paths that do not depend on it when none is set.
  const d = daemonPaths({ ...env, HOME: home, XDG_RUNTIME_DIR: runtimeDir ?? '/' });
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return {
    runtimeDir,
    socket: runtimeDir && d.socket,
    host: runtimeDir && `unix://${d.socket}`,
    pidfile: runtimeDir && d.pidfile,
    holderStateDir: runtimeDir && d.holderStateDir,
    dataRoot: d.dataRoot,
    configFile: d.configFile,
    unitFile: join(config, 'systemd', 'user', 'berthd.service'),
    dockerConfig: env.DOCKER_CONFIG || join(home, '.docker'),
  };
}

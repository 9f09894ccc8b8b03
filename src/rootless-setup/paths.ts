// Where a rootless berthd keeps its files, as the lead's design for issue 15 puts them, and where
// the setup tool writes the unit. PROVISIONAL: src/rootless/ (15a) owns these paths for berthd
// itself; once it lands, this file asks it instead of repeating it.
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SetupUser {
  uid: number;
  gid: number;
  name: string;
  home: string;
}

export interface RootlessPaths {
  /** XDG_RUNTIME_DIR, or undefined when it is not set. */
  runtimeDir: string | undefined;
  /** unix://$XDG_RUNTIME_DIR/berth/berth.sock */
  host: string | undefined;
  socket: string | undefined;
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

export function rootlessPaths(env: NodeJS.ProcessEnv = process.env, home = currentUser().home): RootlessPaths {
  const runtimeDir = env.XDG_RUNTIME_DIR || undefined;
  const socket = runtimeDir && join(runtimeDir, 'berth', 'berth.sock');
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  return {
    runtimeDir,
    socket,
    host: socket && `unix://${socket}`,
    dataRoot: join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'berth'),
    configFile: join(config, 'berth', 'daemon.json'),
    unitFile: join(config, 'systemd', 'user', 'berthd.service'),
    dockerConfig: env.DOCKER_CONFIG || join(home, '.docker'),
  };
}

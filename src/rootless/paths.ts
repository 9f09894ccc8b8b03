// Where a rootless berthd keeps things: the XDG base directories of the user who runs it, as
// dockerd-rootless does (lead's design, issue 15):
//   data-root    $XDG_DATA_HOME/berth           (default ~/.local/share/berth)
//   exec-root    $XDG_RUNTIME_DIR/berth         (runc's root is <exec-root>/runc)
//   pidfile      $XDG_RUNTIME_DIR/berth/berthd.pid
//   socket       unix://$XDG_RUNTIME_DIR/berth/berth.sock (mode 0600)
//   config       $XDG_CONFIG_HOME/berth/daemon.json (default ~/.config/berth/daemon.json)
//   holder       $XDG_RUNTIME_DIR/berth/rootlesskit (rootlesskit's --state-dir), its log next to it
// XDG_RUNTIME_DIR has no fallback: /tmp would be shared, and a directory under $HOME may sit on
// NFS where sockets and overlay misbehave — berthd says what to set instead.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../daemon/config/errors.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface RootlessPaths {
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  /** The unix socket's path (no scheme). */
  socket: string;
  configFile: string;
  /** rootlesskit's --state-dir. */
  holderStateDir: string;
  /** The holder's stdout and stderr. */
  holderLog: string;
}

export function rootlessPaths(env: Env = process.env): RootlessPaths {
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime || !isAbsolute(runtime)) {
    throw new ConfigError(
      `rootless berthd needs XDG_RUNTIME_DIR (an absolute path to a directory of your own, mode 0700), which is ${runtime ? `"${runtime}"` : 'not set'}. ` +
        `A login session (systemd-logind) sets it to /run/user/${process.getuid!()}; without one, create such a directory and export XDG_RUNTIME_DIR`,
    );
  }
  const home = env.HOME || homedir();
  const data = xdg(env.XDG_DATA_HOME, join(home, '.local', 'share'));
  const config = xdg(env.XDG_CONFIG_HOME, join(home, '.config'));
  const execRoot = join(runtime, 'berth');
  return {
    dataRoot: join(data, 'berth'),
    execRoot,
    pidfile: join(execRoot, 'berthd.pid'),
    socket: join(execRoot, 'berth.sock'),
    configFile: join(config, 'berth', 'daemon.json'),
    holderStateDir: join(execRoot, 'rootlesskit'),
    holderLog: join(execRoot, 'rootlesskit.log'),
  };
}

/** The XDG spec: a relative value is invalid and is ignored. */
function xdg(value: string | undefined, fallback: string): string {
  return value && isAbsolute(value) ? value : fallback;
}

// The launcher: berthd started by an ordinary user (euid != 0) becomes rootless here, before
// anything else of the daemon runs. It makes sure the namespace holder runs (holder.ts), then
// replaces itself (process.execve, so no Node parent lingers and the pid the user, a pidfile
// or systemd knows stays berthd's) with nsenter, which joins the holder's user, mount and
// network namespaces and execs the same berthd command line again. That inner berthd is uid 0
// in the user namespace, with the marker of env.ts telling it that it is rootless and where the
// holder is; it takes the rootless paths (paths.ts) and otherwise runs as a root berthd does.
// --preserve-credentials: nsenter would otherwise setgroups(0), which the user's gid map may not
// allow; the user's own uid is the namespace's 0 either way, with its full capabilities there.
import { mkdirSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { which } from '../lib/which.ts';
import { BERTH_ROOTLESS_ENV, BERTH_ROOTLESS_UID_ENV } from './env.ts';
import { ensureHolder } from './holder.ts';
import { rootlessPaths } from './paths.ts';

/** What a rootless berthd needs on PATH, each with the Debian package that has it. */
const TOOLS: [string, string][] = [
  ['rootlesskit', 'rootlesskit'],
  ['newuidmap', 'uidmap'],
  ['newgidmap', 'uidmap'],
  ['nsenter', 'util-linux'],
  ['setsid', 'util-linux'],
];

/** The system directories root's PATH has and an ordinary user's lacks (Debian's login PATH
 * for users has no sbin): the inner berthd is root of its namespaces and runs nft, ip, iptables
 * and sysctl from there, as a root berthd finds them. */
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** PATH with the system directories it lacks appended (the user's own choices keep precedence). */
export function innerPath(path: string | undefined): string {
  const dirs = (path ?? '').split(':').filter(Boolean);
  return [...dirs, ...SYSTEM_DIRS.filter((d) => !dirs.includes(d))].join(':');
}

/** Runs berthd's argv inside the holder's namespaces; returns only on failure (the exit code). */
export async function launchRootless(argv: readonly string[]): Promise<number> {
  try {
    const paths = rootlessPaths();
    const lacking = TOOLS.filter(([tool]) => !isAbsolute(which(tool)));
    if (lacking.length) throw new Error(`rootless berthd needs ${lacking.map(([t, pkg]) => `${t} (Debian package ${pkg})`).join(', ')} on PATH`);
    mkdirSync(paths.execRoot, { recursive: true, mode: 0o700 });
    const holder = await ensureHolder(paths);
    const inner = [process.execPath, ...process.execArgv, process.argv[1]!, ...argv];
    const nsenter = [`--target=${holder.childPid}`, '--user', '--mount', '--net', '--preserve-credentials', '--'];
    const env = { ...process.env, PATH: innerPath(process.env.PATH), [BERTH_ROOTLESS_ENV]: holder.stateDir, [BERTH_ROOTLESS_UID_ENV]: String(process.getuid!()) };
    process.execve!(which('nsenter'), ['nsenter', ...nsenter, ...inner], env);
  } catch (err) {
    process.stderr.write(`berthd: rootless: ${(err as Error).message}\n`);
  }
  return 1;
}

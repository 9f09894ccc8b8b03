// uninstall: the service stopped and its unit removed, the namespace holder it leaves behind
// stopped (rootlesskit outlives berthd by design: src/rootless/holder.ts), the CLI context removed.
// The data and the configuration stay; the tool says where they are.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { liveHolder } from '../rootless/holder.ts';
import { isLiveProcess } from '../lib/proc.ts';
import type { SetupPaths } from './paths.ts';
import { UNIT_NAME, removeUnit } from './unit.ts';
import { systemctlUser, userManagerProblem } from './systemctl.ts';
import { CONTEXT_NAME, removeContext } from './context.ts';
import { ping } from './ping.ts';
import type { Io, SetupContext } from './install.ts';

export async function uninstall(ctx: SetupContext, io: Io): Promise<number> {
  const { user, paths } = ctx;
  if (user.uid === 0) {
    io.err.write(`${ctx.self}: run it as the user whose rootless berthd it removes, not as root\n`);
    return 1;
  }
  const problem = userManagerProblem();
  if (!problem) {
    const r = systemctlUser(['disable', '--now', UNIT_NAME]);
    io.out.write(`systemctl --user disable --now ${UNIT_NAME}${r.output ? `: ${r.output}` : ''}\n`);
  }
  const removed = removeUnit(paths.unitFile);
  io.out.write(`${paths.unitFile}: ${removed === 'kept' ? `not written by ${ctx.self}, left as it is` : removed}\n`);
  if (!problem && removed === 'removed') systemctlUser(['daemon-reload']);
  let code = 0;
  if (paths.socket && (await ping(paths.socket))) {
    // Started by hand: this tool did not start it and does not stop it.
    const pid = pidOf(paths.pidfile);
    io.out.write(`berthd still runs${pid ? ` (pid ${pid})` : ''}: stop it${pid ? ` (kill ${pid})` : ''}, then run \`${ctx.self} uninstall\` again to stop its namespace holder.\n`);
    code = 1;
  } else if (paths.holderStateDir) {
    const holder = liveHolder(paths.holderStateDir);
    if (holder) io.out.write(`namespace holder (rootlesskit, pid ${holder.pid}): ${(await stopProcess(holder.pid, holder.childPid)) ? 'stopped' : `still runs after SIGTERM: kill -9 ${holder.pid} ${holder.childPid}`}\n`);
  }
  if (paths.host) {
    const ctxRemoved = removeContext(paths.dockerConfig, paths.host);
    io.out.write(ctxRemoved === 'other'
      ? `CLI context "${CONTEXT_NAME}" points elsewhere (not berthd's socket): left as it is\n`
      : `CLI context "${CONTEXT_NAME}": ${ctxRemoved}${ctxRemoved === 'removed' ? ' (the current context is "default" if it was this one)' : ''}\n`);
  }
  io.out.write(`Kept: the data in ${paths.dataRoot} and the configuration ${paths.configFile}.\n` +
    `To remove the data (its files belong to your subordinate ids, so only inside a user namespace): rootlesskit rm -rf ${paths.dataRoot}\n`);
  return code;
}

function pidOf(pidfile: string | undefined): number | undefined {
  if (!pidfile || !existsSync(pidfile)) return undefined;
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * SIGTERM to rootlesskit, then up to 10 s for its whole session to end: it was started through
 * `setsid -f`, so its child (the namespaces), the child's sleep and slirp4netns share its session
 * id, and some outlive the parent's exit by a moment.
 */
async function stopProcess(pid: number, childPid: number): Promise<boolean> {
  const sid = sessionOf(childPid) ?? pid;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // ended meanwhile: its session may still be going
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (sessionMembers(sid).length === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The session id of pid (the sixth field of /proc/<pid>/stat). */
function sessionOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
}

/** Live processes (zombies are done) of this user in session sid. */
function sessionMembers(sid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => isLiveProcess(p) && sessionOf(p) === sid);
}

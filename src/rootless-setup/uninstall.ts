// uninstall: the service stopped and its unit removed, the namespace holder it leaves behind
// stopped (rootlesskit outlives berthd by design: src/rootless/holder.ts), the CLI context removed.
// The data and the configuration stay; the tool says where they are.
import { existsSync, readFileSync } from 'node:fs';
import { liveHolder } from '../rootless/holder.ts';
import { isLiveProcess } from '../lib/proc.ts';
import type { RootlessPaths } from './paths.ts';
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
    if (holder) io.out.write(`namespace holder (rootlesskit, pid ${holder.pid}): ${(await stopProcess(holder.pid)) ? 'stopped' : `still runs after SIGTERM: kill -9 ${holder.pid}`}\n`);
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

/** SIGTERM, then up to 10 s for it to end (rootlesskit ends its child and slirp4netns first). */
async function stopProcess(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true; // ended meanwhile
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!isLiveProcess(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

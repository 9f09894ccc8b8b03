// install: the checks, the unit, the service, the context; each step said as it is done.
import { dirname, join } from 'node:path';
import { runChecks } from './checks.ts';
import { allMet, formatFindings } from './findings.ts';
import type { SetupPaths, SetupUser } from './paths.ts';
import { UNIT_NAME, berthdExecutable, unitText, writeUnit } from './unit.ts';
import { systemctlUser, userManagerProblem } from './systemctl.ts';
import { CONTEXT_NAME, ensureContext, useContext } from './context.ts';
import { ping, waitForPing } from './ping.ts';
import { findProgram } from './checks-ids.ts';

export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export interface SetupContext {
  user: SetupUser;
  paths: SetupPaths;
  /** This tool's name, as messages tell the user to run it. */
  self: string;
}

export async function install(ctx: SetupContext, io: Io): Promise<number> {
  const { user, paths } = ctx;
  const findings = runChecks({ user, paths });
  const report = formatFindings(findings, `${user.name} (uid ${user.uid})`, `${ctx.self} install`);
  if (!allMet(findings)) {
    io.err.write(report);
    return 1;
  }
  // The notes too: what works less well on this host.
  io.out.write(`${report}\n`);
  const host = paths.host!; // set: the checks passed
  const berthd = berthdExecutable();
  const wrote = writeUnit(paths.unitFile, unitText(berthd));
  io.out.write(wrote === 'kept'
    ? `${paths.unitFile} exists and was not written by ${ctx.self}: left as it is\n`
    : `${paths.unitFile}: ${wrote}\n`);
  const problem = userManagerProblem();
  if (problem) {
    // bin/berthd is `#!/usr/bin/env node`: a node that is not on the user's PATH is named.
    const pathPrefix = findProgram('node', process.env.PATH ?? '') ? '' : `PATH=${dirname(process.execPath)}:$PATH `;
    const running = await ping(paths.socket!);
    io.out.write(`No systemd user session manager is reachable (systemctl --user: ${problem.split('\n')[0]}).\n` +
      (running ? `A berthd already answers on ${host}.\nTo start it by hand another time (it runs rootless by itself; nohup keeps it in the background):\n` : 'Start berthd by hand (it runs rootless by itself; nohup keeps it in the background):\n') +
      `  ${pathPrefix}nohup ${berthd} >${join(paths.runtimeDir!, 'berthd.log')} 2>&1 &\n` +
      `To have systemd start it instead: as root, \`loginctl enable-linger ${user.name}\`; then, in ${user.name}'s session, \`systemctl --user enable --now ${UNIT_NAME}\`.\n`);
  } else {
    const steps = [['daemon-reload'], ['enable', '--now', UNIT_NAME]];
    for (const args of steps) {
      const r = systemctlUser(args);
      io.out.write(`systemctl --user ${args.join(' ')}${r.output ? `: ${r.output}` : ''}\n`);
      if (!r.ok) {
        io.err.write(`${ctx.self}: starting ${UNIT_NAME} failed; its log: journalctl --user -u ${UNIT_NAME} -n 50 --no-pager\n`);
        return 1;
      }
    }
    if (!(await waitForPing(paths.socket!, 60_000))) {
      io.err.write(`${ctx.self}: ${UNIT_NAME} started, but berthd does not answer on ${host}; its log: journalctl --user -u ${UNIT_NAME} -n 50 --no-pager\n`);
      return 1;
    }
    io.out.write(`berthd is running rootless on ${host}\n`);
  }
  const made = ensureContext(paths.dockerConfig, host);
  if (made.made === 'other') {
    io.err.write(`The CLI context "${CONTEXT_NAME}" exists and points at ${made.host} (rootless dockerd's?): left as it is. To point it at berthd: docker context update ${CONTEXT_NAME} --docker host=${host}\n`);
  } else {
    io.out.write(`CLI context "${CONTEXT_NAME}" (${host}): ${made.made === 'created' ? 'created' : 'already there'}\n`);
    useContext(paths.dockerConfig, CONTEXT_NAME);
    io.out.write(`Current context is now "${CONTEXT_NAME}" (docker and berth alike; back with: docker context use default)\n`);
  }
  io.out.write(`Clients that read no CLI contexts (docker-py, docker-compose 1.x) need: export DOCKER_HOST=${host}\n`);
  return 0;
}

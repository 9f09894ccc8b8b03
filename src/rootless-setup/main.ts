// berthd-rootless-setup check | install | uninstall: what dockerd-rootless-setuptool.sh is to
// rootless dockerd. `check` lists each prerequisite and the exact commands that fix what is
// missing; `install` writes the systemd user unit, starts it where a user session manager runs
// (otherwise says how to start berthd by hand) and makes the CLI context `rootless`;
// `uninstall` undoes both and keeps the data.
import { runChecks } from './checks.ts';
import { allMet, formatFindings } from './findings.ts';
import { currentUser, setupPaths } from './paths.ts';
import { install, type Io } from './install.ts';
import { uninstall } from './uninstall.ts';

const USAGE = `Usage: berthd-rootless-setup COMMAND

Set up berthd to run as this user, without root (rootless mode).

Commands:
  check       Check the prerequisites; print what is missing and the commands that fix it
  install     Check, then write the systemd user unit berthd.service, start it (where a
              user session manager runs) and create the CLI context "rootless"
  uninstall   Stop and remove the unit and the context "rootless"; the data stays
`;

export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    io.out.write(USAGE);
    return 0;
  }
  if (rest.length) {
    io.err.write(`berthd-rootless-setup: unexpected argument "${rest[0]}"\n\n${USAGE}`);
    return 1;
  }
  const user = currentUser();
  const paths = setupPaths(process.env, user.home);
  const self = 'berthd-rootless-setup';
  switch (command) {
    case 'check': {
      const findings = runChecks({ user, paths });
      io.out.write(formatFindings(findings, `${user.name} (uid ${user.uid})`, `${self} check`));
      return allMet(findings) ? 0 : 1;
    }
    case 'install':
      return install({ user, paths, self }, io);
    case 'uninstall':
      return uninstall({ user, paths, self }, io);
    case undefined:
      io.err.write(`berthd-rootless-setup: no command given\n\n${USAGE}`);
      return 1;
    default:
      io.err.write(`berthd-rootless-setup: unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}

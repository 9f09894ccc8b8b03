// A unix user (and group) a test makes for itself to talk to berthd as someone other than root,
// and removes again. A group that was already there (berth-monitor on a machine that uses the
// example policy) is kept; only what the test made goes.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUnixNames } from './unix-names.ts';

export interface TestUser {
  name: string;
  group: string;
  /** A directory of its own (DOCKER_CONFIG). */
  home: string;
  /** The command prefix that runs what follows as this user, with its groups. */
  as: string[];
  remove(): void;
}

/** `login`: the user may log in (over ssh, with a key): a shell, and a password field of "*" —
 * no password, but not the "!" of a locked account, which sshd refuses without PAM.
 * `supplementary`: `group` is a supplementary group (`usermod -aG`), the user's primary group
 * its own (removed with it); else `group` is its primary group. */
export function makeTestUser(group: string, opts: { login?: boolean; supplementary?: boolean } = {}): TestUser {
  const madeGroup = !readUnixNames().groups.has(group);
  if (madeGroup) execFileSync('groupadd', [group]);
  const name = `bt${process.pid}`;
  const login = opts.login ? ['--shell', '/bin/sh', '--password', '*'] : ['--shell', '/usr/sbin/nologin'];
  const groups = opts.supplementary ? ['--user-group', '--groups', group] : ['--no-user-group', '--gid', group];
  execFileSync('useradd', ['--no-create-home', ...groups, ...login, name]);
  const home = mkdtempSync(join(tmpdir(), 'berth-user-'));
  const names = readUnixNames();
  const primary = opts.supplementary ? name : group;
  chownSync(home, names.users.get(name)!, names.groups.get(primary)!);
  return {
    name,
    group,
    home,
    as: ['setpriv', `--reuid=${name}`, `--regid=${primary}`, '--init-groups', '--'],
    remove() {
      rmSync(home, { recursive: true, force: true });
      execFileSync('userdel', [name]);
      if (madeGroup) execFileSync('groupdel', [group]);
    },
  };
}

// For tests only: an ordinary user made for the test, with subordinate ids, running a rootlesskit
// namespace holder as berth's rootless launcher does (--net=slirp4netns, --port-driver=builtin,
// /etc and /run copied up, a pause process as its child), and a way to run commands inside its
// namespaces as that user. The network tests of rootlesskit's port API use it directly; the
// end-to-end tests use the rootless-user harness that starts a whole rootless berthd.
// Everything is removed at the end: the user's processes (by pid, found by uid in /proc), the
// user with its /etc/subuid and /etc/subgid lines, its runtime directory.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { until } from '../../testing/until.ts';

const RANGE = 65536;

export class TestKit {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  readonly runDir: string;
  readonly stateDir: string;
  childPid = 0;
  kitPid = 0;
  /** The first of the user's subordinate ids (its containers' processes run as these). */
  subStart = 0;

  private constructor(user: string) {
    this.user = user;
    this.uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    this.gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    this.runDir = `/run/user/${this.uid}`;
    this.stateDir = join(this.runDir, 'berth', 'rootlesskit');
  }

  static async start(): Promise<TestKit> {
    const user = `bn${randomBytes(3).toString('hex')}`;
    const first = freeSubordinateStart();
    execFileSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', user]);
    const kit = new TestKit(user);
    try {
      kit.subStart = first;
      const range = `${first}-${first + RANGE - 1}`;
      execFileSync('usermod', ['--add-subuids', range, '--add-subgids', range, user]);
      mkdirSync(kit.runDir, { recursive: true, mode: 0o700 });
      chownSync(kit.runDir, kit.uid, kit.gid);
      kit.#launch();
      await until('rootlesskit to be ready', () => existsSync(join(kit.stateDir, 'api.sock')) && existsSync(join(kit.stateDir, 'child_pid')), { timeoutMs: 20_000 });
      kit.childPid = Number(readFileSync(join(kit.stateDir, 'child_pid'), 'utf8'));
      return kit;
    } catch (err) {
      kit.remove();
      throw err;
    }
  }

  /** The user's own shell environment (no logind here: the test made XDG_RUNTIME_DIR). */
  get env(): Record<string, string> {
    return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: this.runDir, XDG_RUNTIME_DIR: this.runDir, USER: this.user };
  }

  get asUser(): string[] {
    return ['setpriv', `--reuid=${this.uid}`, `--regid=${this.gid}`, '--clear-groups', '--'];
  }

  #launch(): void {
    const dirs = ['mkdir', '-p', join(this.runDir, 'berth')];
    execFileSync(dirs[0]!, dirs.slice(1));
    chownSync(join(this.runDir, 'berth'), this.uid, this.gid);
    const kit = ['rootlesskit', `--state-dir=${this.stateDir}`, '--net=slirp4netns', '--disable-host-loopback',
      '--port-driver=builtin', '--copy-up=/etc', '--copy-up=/run', 'sleep', 'infinity'];
    const child = spawn(this.asUser[0]!, [...this.asUser.slice(1), ...kit], { env: this.env, stdio: 'ignore', detached: true });
    this.kitPid = child.pid!;
    child.unref();
  }

  /** Runs `cmd` inside the holder's user, mount and network namespaces, as uid 0 there. */
  run(cmd: string[], o: { input?: string } = {}): SpawnSyncReturns<string> {
    const enter = ['nsenter', '--user', '--mount', '--net', '--preserve-credentials', '-t', String(this.childPid), '--'];
    const all = [...this.asUser, ...enter, ...cmd];
    return spawnSync(all[0]!, all.slice(1), { env: this.env, encoding: 'utf8', input: o.input ?? '' });
  }

  /** As run(), failing with the command's stderr. */
  must(cmd: string[], o: { input?: string } = {}): string {
    const r = this.run(cmd, o);
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} (in the namespace): ${r.stderr || r.error?.message || `exit ${r.status}`}`);
    return r.stdout;
  }

  /** Starts `cmd` inside the namespaces in the background (ended with the user's processes). */
  background(cmd: string[]): void {
    const enter = ['nsenter', '--user', '--mount', '--net', '--preserve-credentials', '-t', String(this.childPid), '--'];
    const all = [...this.asUser, ...enter, ...cmd];
    spawn(all[0]!, all.slice(1), { env: this.env, stdio: 'ignore', detached: true }).unref();
  }

  /** Ends every process of the user (by pid), then removes the user, its ids and directories. */
  remove(): void {
    for (let round = 0; round < 50; round++) {
      const pids = processesOf((u) => u === this.uid || (this.subStart > 0 && u >= this.subStart && u < this.subStart + RANGE));
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      spawnSync('sleep', ['0.1']);
    }
    rmSync(this.runDir, { recursive: true, force: true });
    execFileSync('userdel', [this.user]);
    // userdel takes the subordinate ids along on Debian 12; make sure no line is left.
    for (const f of ['/etc/subuid', '/etc/subgid']) {
      if (readFileSync(f, 'utf8').split('\n').some((l) => l.startsWith(`${this.user}:`) || l.startsWith(`${this.uid}:`))) {
        execFileSync('sed', ['-i', `/^\\(${this.user}\\|${this.uid}\\):/d`, f]);
      }
    }
  }
}

/** The pids whose real uid `mine` takes. */
export function processesOf(mine: (uid: number) => boolean): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let status = '';
    try {
      status = readFileSync(`/proc/${e}/status`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (mine(Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]))) out.push(Number(e));
  }
  return out;
}

/** The first id after every range in /etc/subuid and /etc/subgid (at least 100000). */
function freeSubordinateStart(): number {
  let next = 100000;
  for (const f of ['/etc/subuid', '/etc/subgid']) {
    const text = existsSync(f) ? readFileSync(f, 'utf8') : '';
    for (const line of text.split('\n')) {
      const [, start, count] = line.split(':');
      if (start && count) next = Math.max(next, Number(start) + Number(count));
    }
  }
  return next;
}

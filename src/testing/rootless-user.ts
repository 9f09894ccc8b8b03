// A rootless test's world (issue 15): an ordinary user this test makes (as root) with subordinate
// ids, its XDG_RUNTIME_DIR, commands run as that user with a clean environment, its own rootless
// berthd, and the removal of all of it afterwards.
//
// Interface (15b and 15c build on it; keep it stable):
//   const u = await RootlessUser.create();            // useradd, ≥ 65536 subordinate uids/gids
//   u.name, u.uid, u.gid, u.home, u.runtimeDir, u.subuid / u.subgid ({ start, count })
//   u.env(extra?)                                     // HOME, XDG_RUNTIME_DIR, PATH, DOCKER_HOST, DOCKER_CONFIG
//   u.socket, u.host                                  // $XDG_RUNTIME_DIR/berth/berth.sock, unix://…
//   await u.run(cmd, args, { input?, timeoutMs?, env? })   // as the user → RunResult
//   await u.docker(args, input?)                      // the real docker CLI against its berthd
//   await u.writeFile(name, data) → path in its home; await u.importBusybox() (busybox:latest)
//   const d = await u.startBerthd(args?)              // rootless berthd (--bridge none by default)
//   d.pid, d.log, await d.stop(signal?), await d.kill()   (rootless-berthd.ts)
//   u.processes()                                     // pids of the uid and its subordinate range
//   u.leftovers()                                     // what is left after teardown (empty = clean)
//   await u.remove()                                  // kill by pid, unmount, userdel, dirs
// Everything of the user is found by its uid (and its subordinate range) in /proc: only
// processes this test's user owns are ended, by pid. Waits are bounded and say what they waited for.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RootlessBerthd } from './rootless-berthd.ts';
import { busyboxRootfs } from './busybox.ts';
import { RUNS_CONTAINERS, type Need } from './prerequisites.ts';
import { run, type RunResult } from './run.ts';

export interface IdRange {
  start: number;
  count: number;
}

/** What a rootless test needs: containers, the docker CLI, and the namespace tools. */
export const RUNS_ROOTLESS: Need[] = [...RUNS_CONTAINERS, 'docker', 'rootlesskit', 'uidmap', 'slirp4netns'];

// An ordinary user's PATH as Debian's login gives it (no sbin): what the user's berthd starts with.
const PATH = '/usr/local/bin:/usr/bin:/bin';

export class RootlessUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** A temporary directory holding home/ (the user's HOME). */
  readonly base: string;
  readonly home: string;
  readonly runtimeDir: string;
  readonly subuid: IdRange;
  readonly subgid: IdRange;
  readonly #daemons: RootlessBerthd[] = [];

  private constructor(name: string, base: string) {
    this.name = name;
    this.base = base;
    this.home = join(base, 'home');
    const ids = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    this.uid = Number(ids.stdout.trim());
    this.gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
    this.runtimeDir = `/run/user/${this.uid}`;
    this.subuid = ensureRange('/etc/subuid', name, '--add-subuids');
    this.subgid = ensureRange('/etc/subgid', name, '--add-subgids');
  }

  /** useradd with a home under a fresh temp dir, its /run/user/<uid> (0700, the user's). */
  static async create(): Promise<RootlessUser> {
    const name = `brl${process.pid}${Math.floor(Math.random() * 1000)}`.slice(0, 30);
    const base = mkdtempSync(join(tmpdir(), 'berth-rootless-'));
    chmodSync(base, 0o755);
    execOk('useradd', ['--home-dir', join(base, 'home'), '--create-home', '--shell', '/bin/sh', '--user-group', name]);
    const u = new RootlessUser(name, base);
    mkdirSync(u.runtimeDir, { recursive: true, mode: 0o700 });
    chmodSync(u.runtimeDir, 0o700);
    chownSync(u.runtimeDir, u.uid, u.gid);
    return u;
  }

  get socket(): string {
    return join(this.runtimeDir, 'berth', 'berth.sock');
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      HOME: this.home,
      USER: this.name,
      LOGNAME: this.name,
      XDG_RUNTIME_DIR: this.runtimeDir,
      PATH,
      DOCKER_HOST: this.host,
      DOCKER_CONFIG: join(this.home, '.docker'),
      ...extra,
    };
  }

  /** The argv prefix that runs what follows as this user with `env` only. */
  as(env: Record<string, string> = {}): string[] {
    const vars = Object.entries(this.env(env)).map(([k, v]) => `${k}=${v}`);
    return ['setpriv', `--reuid=${this.uid}`, `--regid=${this.gid}`, '--init-groups', '--', 'env', '-i', ...vars];
  }

  run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
    const [head, ...rest] = this.as(opts.env);
    // cwd: the user's home (the test's own cwd may not be readable for it).
    return run(head!, [...rest, cmd, ...args], { cwd: this.home, timeoutMs: opts.timeoutMs ?? 60_000, ...(opts.input !== undefined && { input: opts.input }) });
  }

  docker(args: string[], input?: string): Promise<RunResult> {
    return this.run('docker', args, { timeoutMs: 90_000, ...(input !== undefined && { input }) });
  }
  /** `docker args` as this user that must succeed: its stdout; a failure's message carries the
   * tail of `log` (a berthd's, read when it fails). */
  async dockerOk(args: string[], log: () => string = () => '', input?: string): Promise<string> {
    const r = await this.docker(args, input);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}\n--- berthd log ---\n${log().slice(-3000)}`);
    return r.stdout;
  }


  /** A file in the user's home, owned by the user (what it imports, builds from, copies). */
  async writeFile(name: string, data: Readable | Buffer | string): Promise<string> {
    const path = join(this.home, name);
    await pipeline(typeof data === 'string' || Buffer.isBuffer(data) ? Readable.from([data]) : data, createWriteStream(path));
    chownSync(path, this.uid, this.gid);
    return path;
  }

  /** The busybox test image (busybox.ts) as busybox:latest in the user's berthd (docker import). */
  async importBusybox(): Promise<void> {
    const tar = await this.writeFile('busybox.tar', busyboxRootfs());
    const r = await this.docker(['import', '--change', 'CMD ["sh"]', tar, 'busybox:latest']);
    if (r.code !== 0) throw new Error(`docker import of busybox as ${this.name} failed: ${r.stderr}`);
  }

  /** A rootless berthd as this user on its default socket; resolves once it is ready. */
  async startBerthd(args: string[] = ['--bridge', 'none'], env: Record<string, string> = {}): Promise<RootlessBerthd> {
    const d = new RootlessBerthd(this, args, env);
    this.#daemons.push(d);
    await d.start();
    return d;
  }

  /** Processes owned (real or effective uid) by the user or by its subordinate uids — zombies
   *  too: one not reaped yet still holds its user namespace. */
  processes(): number[] {
    const mine = (uid: number) => uid === this.uid || (uid >= this.subuid.start && uid < this.subuid.start + this.subuid.count);
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const status = readFileSync(`/proc/${entry}/status`, 'utf8');
        const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
        if (uids && (mine(Number(uids[1])) || mine(Number(uids[2])))) pids.push(Number(entry));
      } catch {
        /* ended while we looked */
      }
    }
    return pids;
  }

  /** Host mounts under the user's directories (the namespace's own die with its processes). */
  mounts(): string[] {
    const roots = [this.base, this.runtimeDir];
    return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((p) => roots.some((r) => p === r || p.startsWith(`${r}/`)));
  }

  /** What remains of the user: processes, mounts, its passwd and subordinate-id lines. */
  leftovers(): string[] {
    const out = this.processes().map((pid) => `process ${pid} (${comm(pid)})`);
    out.push(...this.mounts().map((m) => `mount ${m}`));
    if (spawnSync('id', [this.name], { stdio: 'ignore' }).status === 0) out.push(`user ${this.name}`);
    for (const file of ['/etc/subuid', '/etc/subgid']) if (lineOf(file, this.name)) out.push(`${file} line of ${this.name}`);
    return out;
  }

  /** Ends every process of the user by pid (SIGKILL, bounded), unmounts, removes user and dirs. */
  async remove(): Promise<void> {
    for (const d of this.#daemons) d.forget();
    await this.killAll();
    for (const m of this.mounts().reverse()) spawnSync('umount', ['-l', m]);
    spawnSync('usermod', ['--del-subuids', `${this.subuid.start}-${this.subuid.start + this.subuid.count - 1}`,
      '--del-subgids', `${this.subgid.start}-${this.subgid.start + this.subgid.count - 1}`, this.name]);
    spawnSync('userdel', [this.name]);
    rmSync(this.runtimeDir, { recursive: true, force: true });
    rmSync(this.base, { recursive: true, force: true });
  }

  async killAll(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (let left = this.processes(); left.length; left = this.processes()) {
      if (Date.now() > deadline) throw new Error(`processes of ${this.name} still there (alive, or zombies not reaped) after SIGKILL: ${left.map((p) => `${p} (${comm(p)})`).join(', ')}`);
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* ended meanwhile */
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function execOk(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

function lineOf(file: string, name: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  } catch {
    return undefined;
  }
}

/** The user's range in file; useradd allocates one (SUB_UID_COUNT in login.defs), else one is
 *  added after the highest range there. Fewer than 65536 ids would not map uid 65534 (nobody). */
function ensureRange(file: string, name: string, flag: string): IdRange {
  let line = lineOf(file, name);
  if (!line) {
    const ends = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split(':').map(Number)).map(([, s, c]) => s! + c!);
    const start = Math.max(100_000, ...ends);
    execOk('usermod', [flag, `${start}-${start + 65535}`, name]);
    line = lineOf(file, name);
  }
  const [, start, count] = line!.split(':').map(Number);
  if (!(count! >= 65536)) throw new Error(`${file} gives ${name} only ${count} ids (65536 needed)`);
  return { start: start!, count: count! };
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** The host uid that owns path (for "written by the container's root, owned by the user"). */
export function ownerOf(path: string): { uid: number; gid: number } {
  const st = statSync(path);
  return { uid: st.uid, gid: st.gid };
}

// conmon, the per-container monitor: it runs `runc create`, holds the container's stdio, writes
// the k8s-file log, serves attach, and records the exit status — and it outlives berthd (it
// forks twice and calls setsid), so containers keep running across a daemon restart.
//
// create() follows Podman (libpod/oci_conmon_common.go): conmon gets the write end of a "sync
// pipe" as fd 3 (_OCI_SYNCPIPE=3) and, once `runc create` is done, writes one JSON line on it:
// {"data": <container pid>} or {"data": -1, "message": "<runc's stderr>"}. No --sync: that
// flag keeps conmon a child of its caller, which is what we do not want. The process we spawn
// exits as soon as it has forked the real monitor and written --conmon-pidfile.
import { mkdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../../api/types/errors.ts';
import { which } from '../../lib/which.ts';
import { attach, reopenLog, resize, type Attachment } from './attach.ts';
import { ExitWatcher, type ExitStatus } from './exits.ts';
import { cleanEnv, kindOf, runtimeMessage, type OciRuntime } from './oci-runtime.ts';
import { launch, readPid } from './conmon-launch.ts';

export interface ConmonOptions {
  path?: string;
  /** Where conmon writes <id> with the exit status; one directory for all containers. */
  exitDir: string;
  /** Where conmon makes <id> → bundle symlinks holding the attach socket and ctl FIFO. */
  socketDir: string;
  /** conmon's own diagnostics go to syslog only (its stderr is /dev/null once it forked). */
  syslog?: boolean;
  logLevel?: 'error' | 'warning' | 'info' | 'debug' | 'trace';
  createTimeoutMs?: number;
}

export interface ConmonCreateOptions {
  id: string;
  name: string;
  bundle: string;
  runtime: OciRuntime;
  logPath: string;
  /** conmon truncates (replaces) the log when it would grow past this; it keeps no old files. */
  logMaxSize?: number;
  /** conmon writes `exit` and `oom` files here too (and is started in it, see below). */
  persistDir?: string;
  pidFile: string;
  conmonPidFile: string;
  terminal: boolean;
  /** The TTY's size as the runtime creates it (the spec's process.consoleSize), if set. */
  consoleSize?: [rows: number, cols: number];
  /** Keep a stdin pipe that attach can write to (docker -i); a TTY's stdin is always there. */
  stdin: boolean;
  /** Don't close stdin when an attached client leaves (docker -i without StdinOnce). */
  leaveStdinOpen?: boolean;
  /** Seconds after which conmon SIGKILLs the container and records exit status -1. */
  timeout?: number;
  /** An exec session in the running container `id`: conmon runs `runc exec --process <spec>`
   * and monitors that process as it does a container (log, attach socket, exit file). The
   * session id names the socket-dir link; the exit file is still named after the container, so
   * it goes to a directory of the session's own. */
  exec?: { sessionId: string; processSpec: string; exitDir: string };
}

export class Conmon {
  readonly path: string;
  readonly exitDir: string;
  readonly socketDir: string;
  private opts: ConmonOptions;
  private exits: ExitWatcher;
  /**
   * The size each monitor's TTY has (by socket-dir name). conmon's resize leaves ws_xpixel
   * uninitialised, so a resize to the same rows and columns still changes the winsize and the
   * shell gets a SIGWINCH — busybox then redraws its prompt. dockerd's shim sends none for an
   * unchanged size, and neither do we: such a resize is not passed on.
   */
  readonly #ttySizes = new Map<string, string>();

  constructor(opts: ConmonOptions) {
    this.opts = opts;
    this.path = opts.path ?? which('conmon'); // from PATH, as runc is
    this.exitDir = opts.exitDir;
    this.socketDir = opts.socketDir;
    this.exits = new ExitWatcher(opts.exitDir);
  }

  /** Runs `runc create` under a new conmon; resolves once the container exists (status created). */
  async create(o: ConmonCreateOptions): Promise<{ pid: number; conmonPid: number }> {
    // conmon dies silently (its stderr is /dev/null by then) if it cannot make its symlink.
    // (Synchronous: microseconds each, on the path of every start and exec.)
    mkdirSync(this.exitDir, { recursive: true });
    mkdirSync(this.socketDir, { recursive: true });
    // A previous run's exit file would make waitExit resolve at once for this run.
    const uuid = o.exec?.sessionId ?? o.id;
    const exitDir = o.exec?.exitDir ?? this.exitDir;
    if (o.exec) mkdirSync(exitDir, { recursive: true });
    rmSync(join(exitDir, o.id), { force: true });
    const args = ['--api-version', '1', '-c', o.id, '-u', uuid, '-n', o.name, '-r', o.runtime.path, '-b', o.bundle,
      '-p', o.pidFile, '-P', o.conmonPidFile, '-l', `k8s-file:${o.logPath}`, '--exit-dir', exitDir,
      '--socket-dir-path', this.socketDir];
    for (const a of o.runtime.globalArgs()) args.push('--runtime-arg', a);
    if (o.exec) args.push('--exec', '--exec-process-spec', o.exec.processSpec);
    if (o.terminal && o.consoleSize) this.#ttySizes.set(uuid, o.consoleSize.join('x'));
    else this.#ttySizes.delete(uuid);
    // No fsync of the log at exit and at each reopen: it sits on the exit path of every run
    // (tens of ms under I/O load) and buys a durability dockerd's json-file does not offer either.
    args.push('--no-sync-log');
    if (o.terminal) args.push('-t');
    else if (o.stdin) args.push('-i');
    if (o.leaveStdinOpen) args.push('--leave-stdin-open');
    if (o.logMaxSize) args.push('--log-size-max', String(o.logMaxSize));
    if (o.persistDir) args.push('--persist-dir', o.persistDir);
    if (o.timeout) args.push('--timeout', String(o.timeout));
    if (this.opts.syslog) args.push('--syslog');
    if (this.opts.logLevel) args.push('--log-level', this.opts.logLevel);
    // cwd: conmon writes an `oom` file into its working directory on a cgroup v1 OOM kill.
    const launched = launch(this.path, args, o.persistDir ?? o.bundle, { ...cleanEnv(), _OCI_SYNCPIPE: '3' });
    const limit = this.opts.createTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => ((late = true), reject(new BerthError('system', `conmon: runc create took more than ${limit} ms`))), limit);
    });
    try {
      const { code, line, stderr } = await Promise.race([launched.result, timedOut]);
      if (code !== 0) throw new BerthError('system', `conmon exited with ${code}: ${(await stderr).trim()}`);
      let reply: { data?: number; message?: string };
      try {
        reply = JSON.parse(line) as typeof reply;
      } catch {
        throw new BerthError('system', `conmon exited before runc create finished${this.opts.syslog ? ' (see syslog)' : ''}`);
      }
      if (!reply.data || reply.data < 0) {
        const m = runtimeMessage(reply.message ?? '') || 'runc create failed';
        throw new BerthError(kindOf(m), m);
      }
      return { pid: reply.data, conmonPid: readPid(o.conmonPidFile) };
    } catch (err) {
      // Timed out: stop the monitor (its runc child dies with it, PDEATHSIG) and leave the
      // half-made container for the caller's `runc delete --force`.
      let pid: number | undefined;
      try {
        if (late) pid = readPid(o.conmonPidFile);
      } catch {
        // no pid file yet
      }
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      throw err;
    } finally {
      clearTimeout(timer);
      launched.close();
    }
  }

  /** The exit of an exec session (conmon names the file after the container, in its exitDir). */
  waitExecExit(exitDir: string, containerId: string, signal?: AbortSignal): Promise<ExitStatus> {
    return new ExitWatcher(exitDir, 250).wait(containerId, signal);
  }

  exitStatus(id: string): Promise<ExitStatus | undefined> {
    return this.exits.status(id);
  }

  /** Resolves when conmon has recorded the exit; any number of waiters share one watch. */
  waitExit(id: string, signal?: AbortSignal): Promise<ExitStatus> {
    return this.exits.wait(id, signal);
  }

  /** For live-restore: is this pid still the conmon we started for this container? Asked every
   * second for each running container (log rotation's poll, the monitor watchdog): the command
   * line is read at once — /proc needs no disk, and an async read cost the loop four thread-pool
   * round trips each time. */
  async isAlive(conmonPid: number, id: string): Promise<boolean> {
    return isConmonOf(procCmdline(conmonPid), id);
  }

  /** Every live conmon of container `id` (a stray one, whose pid file was lost or replaced). */
  async monitorsOf(id: string): Promise<number[]> {
    const pids = (await readdir('/proc').catch((): string[] => [])).filter((p) => /^\d+$/.test(p)).map(Number);
    // Every process of the host: read in the thread pool (a rare path: a stray create).
    const alive = await Promise.all(pids.map(async (pid) => isConmonOf(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''), id)));
    return pids.filter((_, i) => alive[i]);
  }

  attach(id: string): Promise<Attachment> {
    return attach(join(this.socketDir, id));
  }

  async resize(id: string, rows: number, cols: number): Promise<void> {
    const size = `${rows}x${cols}`;
    if (this.#ttySizes.get(id) === size) return;
    await resize(join(this.socketDir, id), rows, cols);
    this.#ttySizes.set(id, size);
  }

  /** After renaming the log file away: conmon starts a new one (rotation). */
  reopenLog(id: string): Promise<void> {
    return reopenLog(join(this.socketDir, id));
  }

  /** What conmon leaves behind: the exit file, the socket-dir symlink, the FIFOs in the bundle. */
  async cleanup(id: string): Promise<void> {
    this.#ttySizes.delete(id);
    const link = join(this.socketDir, id);
    let bundle: string | undefined;
    try {
      bundle = readlinkSync(link);
    } catch {
      // no link: nothing in a bundle either
    }
    // In the thread pool, at once: on every exit, and a busy disk makes each unlink slow.
    const files = [...(bundle ? ['attach', 'ctl', 'winsz'].map((f) => join(bundle, f)) : []), link, join(this.exitDir, id)];
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }
}

function procCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return ''; // gone
  }
}

function isConmonOf(cmdline: string, id: string): boolean {
  const argv = cmdline.split('\0');
  if (!argv[0]?.endsWith('conmon')) return false;
  return argv.some((a, i) => (a === '-c' || a === '--cid') && argv[i + 1] === id) || argv.includes(`--cid=${id}`);
}

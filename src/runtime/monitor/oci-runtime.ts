// An OCI runtime's CLI (runc, crun, or another with runc's commands), as berthd drives it.
// Everything runs with `--root <its own directory under the exec root>`, so our containers live
// in their own state directory and never mix with Docker's, Podman's or a hand-run runtime's.
// `--log-format json` makes runc's and crun's errors one JSON object per line, so the message we
// put in a BerthError is the runtime's own, without logrus's time="..." level=... wrapping.
// No state logic here: the daemon decides what to call; this only turns calls into runs.
import { execHost } from '../../lib/host-exec.ts';
import { randomUUID } from '../../lib/lazy-crypto.ts';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BerthError, type ErrorKind } from '../../api/types/errors.ts';
import { deleteStopped, signalInit, startThroughFifo } from './runc-shortcuts.ts';

export interface OciRuntimeOptions {
  /** berthd's exec root (e.g. /run/berth); the state goes to <execRoot>/runc unless `root` says. */
  execRoot: string;
  /** The runtime's state directory (its --root). */
  root?: string;
  path?: string;
  /** More global flags, e.g. ['--systemd-cgroup'] (a runtime's runtimeArgs). */
  extraArgs?: string[];
  /** Whether start, kill and delete may go through runc's state layout (runc-shortcuts.ts); by
   * default when the binary is called runc. crun's FIFO works the other way round. */
  runcLayout?: boolean;
  timeoutMs?: number;
}
export type OciStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** `runc state`: the OCI state plus runc's extras. */
export interface OciState {
  ociVersion: string;
  id: string;
  pid: number;
  status: OciStatus;
  bundle: string;
  rootfs?: string;
  created?: string;
  owner?: string;
  annotations?: Record<string, string>;
}

export class OciRuntime {
  readonly path: string;
  readonly root: string;
  readonly extraArgs: readonly string[];
  private timeoutMs: number;
  /** start, kill and delete without the binary where runc's state layout allows (runc-shortcuts.ts). */
  readonly #shortcuts: boolean;
  /** How errors name the runtime: "runc start: ...", "crun kill: ...". */
  readonly #label: string;
  /** Where input files for the runtime go (update's resources). */
  readonly #inputDir: string;

  constructor(opts: OciRuntimeOptions) {
    this.path = opts.path ?? '/usr/sbin/runc';
    this.root = opts.root ?? join(opts.execRoot, 'runc');
    this.extraArgs = opts.extraArgs ?? [];
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.#label = basename(this.path);
    this.#inputDir = join(opts.execRoot, 'runtime-input');
    // The systemd cgroup driver has runc remove a scope unit too: no shortcut then.
    this.#shortcuts = (opts.runcLayout ?? this.#label === 'runc') && !this.extraArgs.includes('--systemd-cgroup');
  }

  /** The global flags every call needs; conmon gets them as --runtime-arg. */
  globalArgs(): string[] {
    return ['--root', this.root, '--log-format', 'json', ...this.extraArgs];
  }

  /** undefined when runc does not know the container. */
  async state(id: string): Promise<OciState | undefined> {
    try {
      return JSON.parse(await this.run(['state', id])) as OciState;
    } catch (err) {
      if (err instanceof BerthError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  /** Every container under our root (live-restore compares this with the daemon's records). */
  async list(): Promise<OciState[]> {
    return (JSON.parse(await this.run(['list', '--format', 'json'])) as OciState[] | null) ?? [];
  }

  /** initPid: the created container's pid, when known, saves reading runc's state. */
  async start(id: string, initPid?: number): Promise<void> {
    if (this.#shortcuts && (await startThroughFifo(join(this.root, id), initPid))) return;
    await this.run(['start', id]);
  }

  /** signal: a name with or without SIG ('TERM', 'SIGKILL') or a number; all: every process in the container. */
  async kill(id: string, signal: string | number = 'TERM', all = false): Promise<void> {
    if (this.#shortcuts && !all && typeof signal === 'number' && signalInit(join(this.root, id), signal)) return;
    await this.run(['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  /** Idempotent: a container runc does not know is already deleted. */
  async delete(id: string, force = false): Promise<void> {
    if (this.#shortcuts && (await deleteStopped(join(this.root, id)).catch(() => false))) return;
    try {
      await this.run(['delete', ...(force ? ['--force'] : []), id]);
    } catch (err) {
      if (!(err instanceof BerthError && err.kind === 'not-found')) throw err;
    }
  }

  /** runc's cgroup v1 freezer gives up ("unable to freeze") when the processes keep the cgroup
   * FREEZING for long, which a busy machine does now and then: a second or third try gets through. */
  async pause(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return void (await this.run(['pause', id]));
      } catch (err) {
        if (attempt >= 3 || !/unable to freeze/.test((err as Error).message)) throw err;
      }
    }
  }

  async resume(id: string): Promise<void> {
    await this.run(['resume', id]);
  }

  /** resources: an OCI LinuxResources object (cpu, memory, pids, blockIO, ...). In a file: crun
   * reads `-` as /dev/stdin, which cannot be opened when stdin is a socket (node's pipes are). */
  async update(id: string, resources: object): Promise<void> {
    mkdirSync(this.#inputDir, { recursive: true, mode: 0o700 });
    const file = join(this.#inputDir, `${id}-${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(resources));
    try {
      await this.run(['update', '--resources', file, id]);
    } finally {
      rmSync(file, { force: true });
    }
  }

  /** Host pids of the container's processes (runc prints null for a stopped one). */
  async ps(id: string): Promise<number[]> {
    return (JSON.parse(await this.run(['ps', '--format', 'json', id])) as number[] | null) ?? [];
  }

  /** Runs the runtime with our global flags; resolves to stdout, rejects with its message.
   * Through the host helper (lib/host-exec.ts): a fork of berthd blocks its event loop. */
  async run(args: string[], input?: string): Promise<string> {
    const r = await execHost(this.path, [...this.globalArgs(), ...args], { env: cleanEnv(), input: input ?? '', timeoutMs: this.timeoutMs }).catch((e: Error) => {
      throw new BerthError('system', `${this.#label} ${args[0]}: ${e.message}`, { cause: e });
    });
    if (r.code === 0) return r.stdout.toString();
    const msg = runtimeMessage(r.stderr.toString()) || `exited with ${r.signal ?? r.code}`;
    throw new BerthError(kindOf(msg), `${this.#label} ${args[0]}: ${msg}`);
  }
}

/**
 * runc's error text from its stderr: with --log-format json each line is {"level","msg"};
 * the error-level msgs are what it failed with. Anything else (a crash, text logs) as is.
 */
export function runtimeMessage(stderr: string): string {
  const msgs: string[] = [];
  for (const line of stderr.split('\n')) {
    try {
      const j = JSON.parse(line) as { level?: string; msg?: string };
      if (j.msg && (j.level === 'error' || j.level === 'fatal')) msgs.push(j.msg);
    } catch {
      if (line.trim()) msgs.push(line.trim());
    }
  }
  return msgs.join('; ');
}

/** runc's and crun's messages for "no such container" and "not in a state for that" (measured
 * with runc 1.1.5 and crun 1.8.1: crun names the state file or directory it could not open). */
export function kindOf(msg: string): ErrorKind {
  if (/container does not exist|\/status`: No such file or directory|cannot open directory '[^']*': No such file or directory/.test(msg)) return 'not-found';
  if (/not running|not paused|already running|not stopped|is paused|is running|not created|is not in `.*` state/.test(msg)) return 'conflict';
  return 'system';
}

/**
 * The daemon's environment minus what would change runc's behaviour: NOTIFY_SOCKET makes runc
 * relay sd_notify and `runc start` wait for READY=1; LISTEN_* would hand systemd's sockets on.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['NOTIFY_SOCKET', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES']) delete env[k];
  return env;
}

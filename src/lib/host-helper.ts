// berthd's host helper: one small long-lived process for what Node cannot do cheaply.
//
// - mount(2) and umount2(2): Node has no binding for them; mount(8)/umount(8) cost a process
//   start each, twice per `docker run`.
// - Starting a container's monitor (conmon). A fork of berthd (~90 MiB resident) costs 3–5 ms
//   here, most of it tearing the copied address space down again at exec, and libuv's spawn
//   blocks the event loop for all of it. A fork of this helper costs a fraction of that.
//
// It is a few lines of Perl: perl-base is essential on Debian, and its syscall(), fork and exec
// reach what we need without a native build (which CI machines could not do; no npm package
// offers these calls without one). Requests are one line each, fields hex-encoded (nothing to
// quote); every reply line starts with the request's id, so slow requests (a monitor start
// waits for `runc create`) run in a forked child of the helper and answer out of order.
//
// Callers fall back to mount(8)/umount(8) and child_process.spawn when the helper cannot run
// (no perl, an architecture whose syscall numbers are not listed, BERTH_HOST_HELPER=off).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { SCRIPT } from './host-helper-script.ts';

/** x86_64 and arm64 numbers of mount and umount2 (asm/unistd_64.h, asm-generic/unistd.h). */
const SYSCALLS: Partial<Record<NodeJS.Architecture, [mount: number, umount2: number]>> = {
  x64: [165, 166],
  arm64: [40, 39],
};


export class HelperError extends Error {
  readonly errno: number;
  constructor(message: string, errno: number) {
    super(message);
    this.name = 'HelperError';
    this.errno = errno;
  }
}

export interface MountRequest {
  source: string;
  target: string;
  fstype: string;
  flags?: number;
  data: string;
  /** The working directory of the call: relative paths in data are resolved from it. */
  cwd?: string;
}

export interface SpawnResult {
  /** The first process's exit code (128+n for a signal). */
  code: number;
  /** What it wrote on fd 3, up to and including the first newline. */
  sync: string;
  /** Its stderr, when it failed (the last 900 bytes). */
  stderr: string;
}

export interface ExecRequest {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Bytes on the program's stdin. */
  input?: string | Buffer;
  /** SIGKILL after this many ms (rounded up to seconds: alarm(2)); 0 = none. */
  timeoutMs?: number;
}

export interface ExecResult {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

interface Pending {
  resolve: (fields: string[]) => void;
  reject: (err: Error) => void;
  /** exec's output so far, by stream (`o`, `e`). */
  parts?: { o: Buffer[]; e: Buffer[] };
}

export class HostHelper {
  #child: ChildProcessWithoutNullStreams | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #numbers: [number, number];
  #nextId = 1;
  /** How long after an exec's own timeout its answer may still come (a loaded machine is slow to
   * kill, reap and answer); tests shorten it. */
  graceMs = 10_000;

  constructor(numbers: [number, number]) {
    this.#numbers = numbers;
  }

  /** The helper's pid while it runs (tests end it to check that the next request starts another). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async mount(r: MountRequest): Promise<void> {
    await this.#request('mount', [r.cwd ?? '', r.source, r.target, r.fstype, r.flags ?? 0, r.data]);
  }

  /** flags: umount2's (MNT_DETACH = 2 for a lazy unmount). */
  async umount(target: string, flags = 0): Promise<void> {
    await this.#request('umount', [target, flags]);
  }

  /** Starts `argv` detached (its own session) with fd 3 as a pipe back; see SCRIPT. */
  async spawnDetached(argv: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<SpawnResult> {
    const env = Object.entries(o.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('\0');
    const [code, sync, stderr] = await this.#request('spawn', [o.cwd, env, argv.join('\0')]);
    return { code: Number(code), sync: unhex(sync ?? ''), stderr: unhex(stderr ?? '') };
  }

  /** Runs argv to its end and collects its output, like execFile, with the fork done in the
   * helper (see SCRIPT). Rejects with a HelperError (errno ENOENT, ...) when it cannot start. */
  async exec(argv: readonly string[], o: ExecRequest): Promise<ExecResult> {
    const env = Object.entries(o.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('\0');
    const parts = { o: [] as Buffer[], e: [] as Buffer[] };
    const timeout = Math.ceil((o.timeoutMs ?? 0) / 1000);
    // The helper kills the program at the timeout; should the helper itself stop answering (a
    // stopped or wedged process), the caller still gets its answer, an error, a while later.
    const backstop = timeout ? (timeout * 1000 + this.graceMs) : 0;
    const [code, sig] = await this.#request('exec', [o.cwd ?? '', env, argv.join('\0'), o.input ?? '', timeout], parts, backstop);
    const signal = Number(sig) ? (signalName(Number(sig)) ?? null) : null;
    return { code: signal ? null : Number(code), signal, stdout: Buffer.concat(parts.o), stderr: Buffer.concat(parts.e) };
  }

  #request(op: string, fields: (string | number | Buffer)[], parts?: Pending['parts'], backstopMs = 0): Promise<string[]> {
    const child = this.#child ?? this.#start();
    const id = this.#nextId++;
    return new Promise<string[]>((resolve, reject) => {
      const timer = backstopMs ? setTimeout(() => {
        if (!this.#pending.delete(id)) return;
        reject(new Error(`host helper: no answer to ${op} ${backstopMs} ms after it was asked`));
        if (this.#child && this.#pending.size === 0) this.#idle(this.#child);
      }, backstopMs).unref() : undefined;
      const done = <T>(f: (x: T) => void) => (x: T) => (clearTimeout(timer), f(x));
      this.#pending.set(id, { resolve: done(resolve), reject: done(reject), ...(parts && { parts }) });
      child.ref();
      child.stdin.write(`${id} ${op} ${fields.map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(String(f))).toString('hex')).join(' ')}\n`);
    });
  }

  #start(): ChildProcessWithoutNullStreams {
    const child = spawn('perl', ['-e', SCRIPT, ...this.#numbers.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout.setEncoding('utf8');
    // Its own buffer: a dead helper's forked children may still write their answers to the old
    // pipe, and half a line of theirs must not run into the next helper's.
    let buffer = '';
    child.stdout.on('data', (d: string) => (buffer = this.#onData(buffer + d)));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.stdin.on('error', () => undefined); // reported through 'exit'
    const gone = (why: string) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      const err = new Error(`host helper ${why}${stderr ? `: ${stderr.trim()}` : ''}`);
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    child.on('error', (e) => gone(`failed: ${e.message}`));
    child.on('exit', (code, sig) => gone(`exited with ${sig ?? code}`));
    this.#idle(child);
    return child;
  }

  /** Handles the whole lines of buffer; answers what is left of it. */
  #onData(buffer: string): string {
    let at = 0;
    let nl: number;
    while ((nl = buffer.indexOf('\n', at)) >= 0) {
      const [id, kind, ...rest] = buffer.slice(at, nl).split(' ');
      at = nl + 1;
      const p = this.#pending.get(Number(id));
      if (!p) continue;
      if (p.parts && (kind === 'o' || kind === 'e')) {
        p.parts[kind].push(Buffer.from(rest[0] ?? '', 'hex'));
        continue;
      }
      this.#pending.delete(Number(id));
      if (kind === 'err') p.reject(new HelperError(unhex(rest[1] ?? ''), Number(rest[0])));
      else p.resolve(kind === 'done' || kind === 'exit' ? rest : []);
    }
    if (this.#child && this.#pending.size === 0) this.#idle(this.#child);
    return buffer.slice(at);
  }

  /** A helper with nothing to do must not keep berthd (or a test) alive. */
  #idle(child: ChildProcessWithoutNullStreams): void {
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  }
}

function signalName(n: number): NodeJS.Signals | undefined {
  return (Object.entries(constants.signals) as [NodeJS.Signals, number][]).find(([, v]) => v === n)?.[0];
}

function unhex(h: string): string {
  return Buffer.from(h, 'hex').toString();
}

let helper: HostHelper | null | undefined;

/** The helper, or null where it cannot run (callers then use the commands). */
export function hostHelper(): HostHelper | null {
  if (helper !== undefined) return helper;
  const numbers = SYSCALLS[process.arch];
  const perl = ['/usr/bin/perl', '/bin/perl'].some((p) => existsSync(p));
  helper = numbers && perl && process.env.BERTH_HOST_HELPER !== 'off' ? new HostHelper(numbers) : null;
  return helper;
}

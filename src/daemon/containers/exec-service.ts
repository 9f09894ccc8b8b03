// Exec instances: made by POST /containers/{id}/exec, run once by POST /exec/{id}/start under
// their own conmon (`runc exec`), which logs their output and records their exit like a
// container's. The output an attached client gets is that log followed from its first byte, so
// nothing a fast process writes is lost; stdin goes through the session's attach socket.
// Instances live in memory, as in dockerd: they go when their container stops or is removed.
// The session's stdin follows dockerd's stream rules: a TTY's is watched for the detach keys
// (the session ends with dockerd's error, the process runs on), and the client's EOF closes a
// non-TTY process's stdin (its output goes on to the end) but ends a TTY session at once: the
// docker CLI half-closes when its own detach keys are typed (it does not send them), so passing
// that EOF on as ^D would end the shell the user detached from.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Lifecycle } from './lifecycle.ts';
import type { ExitStatus } from '../../runtime/monitor/exits.ts';
import type { LogEntry } from '../../runtime/monitor/k8s-log.ts';
import type { OciSpec } from '../../runtime/spec/types.ts';
import { readOutput } from '../../runtime/monitor/output-reader.ts';
import { execProcess, parseExecConfig, type ExecConfig } from './exec-config.ts';
import { detachScanner, parseExecDetachKeys } from './detach-keys.ts';
import { conflict, notFound, BerthError } from '../../api/types/errors.ts';
import { logFailure } from '../../lib/log-failure.ts';
import type { RequestGuard } from '../../authz/guard.ts';

export interface ExecInstance {
  id: string;
  containerId: string;
  config: ExecConfig;
  /** The DetachKeys as bytes (empty: none named, the default applies). */
  detachKeys: Buffer;
  running: boolean;
  exitCode: number | null;
  pid: number;
  /** Settles once the exit is recorded (exitCode set, exec_die sent). */
  done?: Promise<ExitStatus>;
}

export interface ExecStream {
  /** Ends with DETACHED_ERROR when the client typed the detach keys. */
  lines: AsyncIterable<LogEntry[]>;
  stdin?: Writable;
}

/** What dockerd reports into the stream when a client detaches from an exec: the escape error
 * wrapped twice (moby's attach copier, then ContainerExecStart), never recognised as a detach. */
export const DETACHED_ERROR = 'exec attach failed: error on attach stdin: read escape sequence';

/** dockerd's action text: the entrypoint, a space, the arguments (so `true` is "true "). */
const execAction = (kind: string, cmd: string[]): string => `${kind}: ${cmd[0]} ${cmd.slice(1).join(' ')}`;

const MAX_PER_CONTAINER = 1024; // finished instances kept for inspect; the oldest go first

export class ExecService {
  readonly #lc: Lifecycle;
  readonly #execs = new Map<string, ExecInstance>();

  constructor(lc: Lifecycle) {
    this.#lc = lc;
    // A stopped container's exec instances are over; dockerd forgets them too.
    lc.deps.svc.deps.events.subscribe((e) => {
      if (e.type === 'container' && (e.action === 'die' || e.action === 'destroy')) this.#forget(e.actorId);
    });
  }

  #bundle(id: string): string {
    return join(this.#lc.deps.execRoot, 'execs', id);
  }

  async create(containerIdOrName: string, body: Record<string, unknown>, guard?: RequestGuard): Promise<{ Id: string }> {
    const svc = this.#lc.deps.svc;
    const config = parseExecConfig(body);
    guard?.exec({ privileged: config.privileged });
    await this.#lc.settledStart(svc.resolve(containerIdOrName).id);
    const c = svc.resolve(containerIdOrName);
    if (c.status === 'paused') throw conflict(`container ${c.id} is paused, unpause the container before exec`);
    if (c.status !== 'running') throw conflict(`container ${c.id} is not running`);
    const detachKeys = parseExecDetachKeys(config.detachKeys);
    const id = randomBytes(32).toString('hex');
    this.#execs.set(id, { id, containerId: c.id, config, detachKeys, running: false, exitCode: null, pid: 0 });
    this.#trim(c.id);
    svc.emit(c, execAction('exec_create', config.cmd), { execID: id });
    return { Id: id };
  }

  get(id: string): ExecInstance {
    const e = this.#execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  /** GET /exec/{id}/json in Docker's shape. */
  inspect(id: string): Record<string, unknown> {
    const e = this.get(id);
    const [entrypoint, ...args] = e.config.cmd;
    return {
      ID: e.id, Running: e.running, ExitCode: e.exitCode, ProcessConfig: { tty: e.config.tty, entrypoint, arguments: args, privileged: e.config.privileged, ...(e.config.user && { user: e.config.user }) },
      OpenStdin: e.config.attachStdin, OpenStderr: e.config.attachStderr, OpenStdout: e.config.attachStdout,
      // dockerd's field is the keys' bytes, so JSON shows them in base64 ("EBE=" for ctrl-p,ctrl-q).
      CanRemove: false, ContainerID: e.containerId, DetachKeys: e.detachKeys.toString('base64'), Pid: e.pid,
    };
  }

  /** Runs the instance; with `attach`, its output from the first byte and (if asked) its stdin.
   * `tty` is the start request's: with it the client reads a raw stream, which has no room
   * for stderr (dockerd drops it); the process gets a TTY only if the instance was made with one. */
  async start(id: string, opts: { detach: boolean; tty?: boolean; consoleSize?: [number, number]; signal: AbortSignal }): Promise<ExecStream | undefined> {
    const e = this.get(id);
    await this.#lc.thawed(e.containerId); // frozen for a copy: after it (runc will not exec meanwhile)
    // From here to `running = true` nothing waits: two starts of one instance cannot both pass.
    if (e.exitCode !== null) throw conflict(`Error: Exec command ${id} has already run`);
    if (e.running) throw conflict(`Error: Exec command ${id} is already running`);
    const svc = this.#lc.deps.svc;
    const c = svc.resolve(e.containerId);
    if (c.status === 'paused') throw conflict(`container ${c.id} is paused, unpause the container before exec`);
    if (c.status !== 'running') throw conflict(`container ${c.id} is not running`);
    if (opts.consoleSize) e.config.consoleSize = opts.consoleSize;
    e.running = true;
    svc.emit(c, execAction('exec_start', e.config.cmd), { execID: id });
    const bundle = this.#bundle(id);
    const logPath = join(bundle, 'exec.log');
    const fail = async (err: unknown): Promise<never> => {
      // As dockerd: a start that fails leaves the instance finished with 126.
      e.running = false;
      e.exitCode = 126;
      await rm(bundle, { recursive: true, force: true });
      throw err;
    };
    let processSpec: string;
    try {
      await mkdir(bundle, { recursive: true, mode: 0o700 });
      const spec = JSON.parse(await readFile(join(this.#lc.bundle(c.id), 'config.json'), 'utf8')) as OciSpec;
      processSpec = join(bundle, 'process.json');
      const groupAdd = ((c.hostConfig as { GroupAdd?: string[] }).GroupAdd) ?? [];
      await writeFile(processSpec, JSON.stringify(execProcess(spec.process, spec.root.path, e.config, groupAdd)));
    } catch (err) {
      return fail(err);
    }
    try {
      const { pid } = await this.#lc.deps.conmon.create({
        id: c.id, name: c.name.slice(1), bundle, runtime: this.#lc.deps.runtime.of(c.id), logPath,
        pidFile: join(bundle, 'pid'), conmonPidFile: join(bundle, 'conmon.pid'),
        terminal: e.config.tty, ...(e.config.consoleSize && { consoleSize: e.config.consoleSize }), stdin: e.config.attachStdin, exec: { sessionId: id, processSpec, exitDir: join(bundle, 'exits') },
      });
      e.pid = pid;
    } catch (err) {
      return fail(new BerthError((err as BerthError).kind ?? 'system', `OCI runtime exec failed: ${(err as Error).message}: unknown`));
    }
    const done = this.#lc.deps.conmon.waitExecExit(join(bundle, 'exits'), c.id).then(async (exit) => {
      e.running = false;
      e.exitCode = exit.exitCode;
      svc.emit(svc.deps.table.get(c.id) ?? c, 'exec_die', { execID: id, exitCode: String(exit.exitCode) });
      return exit;
    });
    e.done = done;
    if (opts.detach) {
      void done.then(() => this.#cleanup(id), () => this.#cleanup(id));
      return undefined;
    }
    return this.#attach(e, logPath, done, { signal: opts.signal, stderr: e.config.attachStderr && opts.tty !== true });
  }

  #attach(e: ExecInstance, logPath: string, done: Promise<ExitStatus>, o: { signal: AbortSignal; stderr: boolean }): ExecStream {
    const tty = e.config.tty;
    const ends = new AbortController(); // a detach, or the client's EOF on a TTY
    const stdin = e.config.attachStdin ? detachScanner(e.detachKeys, tty) : undefined;
    if (stdin) {
      stdin.once('escape', () => ends.abort());
      if (tty) stdin.once('end', () => ends.abort());
      void this.#lc.deps.conmon.attach(e.id).then(
        (a) => {
          // A detach (or a TTY's EOF) leaves the process's stdin open; without a TTY the
          // client's EOF closes it.
          stdin.pipe(a.stdin, { end: false });
          stdin.once('end', () => stdin.escaped || tty || a.stdin.end());
          a.output.resume();
        },
        () => stdin.resume(),
      );
    }
    const lines = readOutput(logPath, { follow: true, exited: done, stdout: e.config.attachStdout, stderr: o.stderr, signal: AbortSignal.any([o.signal, ends.signal]) });
    const cleanup = () => this.#cleanup(e.id);
    async function* output(): AsyncGenerator<LogEntry[]> {
      try {
        yield* lines;
      } finally {
        void done.then(cleanup, cleanup);
      }
      if (stdin?.escaped) throw new BerthError('system', DETACHED_ERROR);
    }
    return { lines: output(), ...(stdin && { stdin }) };
  }

  async resize(id: string, height: number, width: number): Promise<void> {
    const e = this.get(id);
    if (!e.running) throw conflict(`Exec ${id} is not running, so it can not be resized.`);
    if (e.config.tty) await this.#lc.deps.conmon.resize(id, height, width);
  }

  async #cleanup(id: string): Promise<void> {
    await this.#lc.deps.conmon.cleanup(id).catch(logFailure(this.#lc.deps.logger, 'conmon clean-up of an exec', { fields: { exec: id } }));
    await rm(this.#bundle(id), { recursive: true, force: true });
  }

  #forget(containerId: string): void {
    for (const [id, e] of this.#execs) if (e.containerId === containerId && !e.running) this.#execs.delete(id);
  }

  #trim(containerId: string): void {
    const mine = [...this.#execs.values()].filter((e) => e.containerId === containerId && !e.running && e.exitCode !== null);
    for (const e of mine.slice(0, Math.max(0, mine.length - MAX_PER_CONTAINER))) this.#execs.delete(e.id);
  }

  /** Exec ids of a container, for its inspect (ExecIDs). */
  idsOf(containerId: string): string[] {
    return [...this.#execs.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
  }
}

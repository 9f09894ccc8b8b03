// berthd's side of name resolution: it writes the records and keeps one berth-dns running.
// berth-dns is started detached in a session of its own (stdio to <dir>/berth-dns.log), so a
// berthd that stops or dies with live-restore leaves it answering, as it leaves containers
// running; a restarted berthd adopts it through <dir>/berth-dns.pid — after checking that the pid
// is really a berth-dns serving this directory's records, so a reused pid is never signalled.
// Every update is a write (atomic: temp + rename) and, when berth-dns runs, a SIGHUP; berth-dns
// also watches the file, so a lost signal costs nothing.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemError } from '../../api/types/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { isBerthDns, readPidFile, removePidFile } from './dns-process.ts';
import { writeRecords, type DnsRecords } from './records.ts';
import { SerialQueue } from '../../lib/keyed-mutex.ts';
import { RELEASE } from '../../lib/release.ts';

/** The compiled berth-dns: next to dist/bin/berthd.js, or the release bundle's beside berthd's. */
export const BERTH_DNS_PROGRAM = fileURLToPath(new URL(RELEASE ? './berth-dns.js' : '../../bin/berth-dns.js', import.meta.url));
const START_WAIT_MS = 5000;
const STOP_WAIT_MS = 5000;

export class DnsSupervisor {
  readonly records: string;
  readonly pidFile: string;
  readonly logFile: string;
  #logger: Logger | undefined;
  readonly #queue = new SerialQueue();

  constructor(o: { dir: string; logger?: Logger }) {
    const dir = resolve(o.dir);
    this.records = join(dir, 'records.json');
    this.pidFile = join(dir, 'berth-dns.pid');
    this.logFile = join(dir, 'berth-dns.log');
    this.#logger = o.logger;
  }

  /** The pid of the berth-dns serving this directory, if one runs (adopted or started here). */
  pid(): number | undefined {
    const pid = readPidFile(this.pidFile);
    return pid !== undefined && isBerthDns(pid, this.records) ? pid : undefined;
  }

  /** Writes the records, then makes berth-dns serve them: a SIGHUP, or a start if none runs. */
  update(r: DnsRecords): Promise<void> {
    return this.#serial(async () => {
      mkdirSync(resolve(this.records, '..'), { recursive: true, mode: 0o711 });
      writeRecords(this.records, r);
      const pid = this.pid();
      if (pid === undefined || !this.#signal(pid, 'SIGHUP')) await this.#start();
    });
  }

  /** Ends berth-dns (daemon shutdown without live-restore): SIGTERM, SIGKILL if it lingers. */
  stop(): Promise<void> {
    return this.#serial(async () => {
      const pid = this.pid();
      if (pid === undefined) return;
      this.#signal(pid, 'SIGTERM');
      if (!(await this.#gone(pid, STOP_WAIT_MS))) {
        this.#logger?.warn('berth-dns did not end on SIGTERM: killing it', { pid });
        if (isBerthDns(pid, this.records)) this.#signal(pid, 'SIGKILL');
        await this.#gone(pid, STOP_WAIT_MS);
      }
      removePidFile(this.pidFile, pid);
      this.#logger?.info('berth-dns stopped', { pid });
    });
  }

  /** False when the process ended between the check and the signal. */
  #signal(pid: number, signal: NodeJS.Signals): boolean {
    try {
      process.kill(pid, signal);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    return this.#queue.run(fn);
  }

  async #start(): Promise<void> {
    const log = openSync(this.logFile, 'a', 0o640);
    let pid: number | undefined;
    let exited = false;
    try {
      const child = spawn(process.execPath, [BERTH_DNS_PROGRAM, '--records', this.records, '--pidfile', this.pidFile, '--log-level', this.#logger?.level ?? 'info'], {
        detached: true, // its own session: a signal to berthd's process group does not reach it
        cwd: '/', // holds no directory of berthd's busy
        stdio: ['ignore', log, log],
      });
      pid = child.pid;
      child.on('error', (err) => this.#logger?.error('berth-dns could not be started', { error: err.message }));
      child.on('exit', () => (exited = true));
      child.unref();
    } finally {
      closeSync(log);
    }
    if (pid === undefined) throw systemError(`berth-dns could not be started (see ${this.logFile})`);
    // It writes its pid file once the records are served: waiting for it means the first
    // container started after this update can already resolve its peers.
    const deadline = Date.now() + START_WAIT_MS;
    while (readPidFile(this.pidFile) !== pid) {
      if (exited || Date.now() > deadline) {
        // Not left running half started: the next update would start a second one beside it.
        if (!exited && isBerthDns(pid, this.records)) this.#signal(pid, 'SIGKILL');
        throw systemError(`berth-dns (pid ${pid}) did not start; see ${this.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    this.#logger?.info('berth-dns started', { pid, log: this.logFile });
  }

  async #gone(pid: number, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (isBerthDns(pid, this.records)) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }
}

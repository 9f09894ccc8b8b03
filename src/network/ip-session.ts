// One long-lived `ip -force -batch -` per daemon, fed a batch at a time. A process spawn costs
// this machine 7–30 ms, more than everything else a bridge endpoint needs: keeping one ip
// running makes a namespace's deletion and a veth pair's set-up cost their netlink messages
// only (the commands inside a namespace still cost ip one fork of itself, see ip-batch.ts).
//
// Each batch ends with a command ip does not know, which it reports on stderr as
// `Command failed -:<line>` and goes on (-force): that line number marks the end of the batch,
// and any other `Command failed` line before it names a command of the batch that failed. With
// -force ip also runs the commands after a failed one: the callers make sure a failure cannot
// make the later commands do harm (ensureBridge settles an existing bridge; addEndpoint checks
// that a namespace it is to create is not there, and its commands inside the namespace run on
// an ip without -force). A bad argument makes ip exit at once: the batch fails with what ip
// said. After any failed batch the next one starts a new ip: ip caches interface names and
// indexes, and a failure may come from a cache that another process made stale.
// What must not go through here: a command that opens a namespace by name (`link ... netns
// NAME`: ip 6.1 never closes that file, keeping the namespace alive), and a slow one (`link
// delete` of a veth waits for the network to settle) that would hold up every other batch.
import { closeWhenIdle, startToolProcess, TOOL_IDLE_MS } from './tool-process.ts';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { systemError } from '../api/types/errors.ts';
import { SerialQueue } from '../lib/keyed-mutex.ts';

const SENTINEL = 'berth-end-of-batch';

interface InFlight {
  /** The line number of this batch's end mark. */
  mark: number;
  first: number;
  resolve(r: { stderr: string; failed: number[] }): void;
  reject(err: Error): void;
}

export class IpSession {
  readonly #bin: string;
  #proc?: ChildProcessWithoutNullStreams;
  #lines = 0;
  #stderr = '';
  #current?: InFlight;
  readonly #queue = new SerialQueue();
  readonly #idleMs: number;
  #idle?: NodeJS.Timeout;

  constructor(bin: string, idleMs = TOOL_IDLE_MS) {
    this.#bin = bin;
    this.#idleMs = idleMs;
  }

  /** The running ip's pid; undefined before the first batch and once idle (TOOL_IDLE_MS). */
  pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** Runs the commands in order; resolves with ip's messages and the indexes of the commands
   * that failed, or rejects (with ip's stderr as `stderr`) when ip exited during the batch. */
  run(commands: string[]): Promise<{ stderr: string; failed: number[] }> {
    return this.#queue.run(() => this.#send(commands));
  }

  #send(commands: string[]): Promise<{ stderr: string; failed: number[] }> {
    clearTimeout(this.#idle);
    const proc = this.#proc ?? this.#start();
    return new Promise((resolve, reject) => {
      const first = this.#lines + 1;
      this.#lines += commands.length + 1;
      this.#current = { mark: this.#lines, first, resolve, reject };
      (proc.stderr as Socket).ref(); // a batch in flight keeps Node running
      proc.stdin.write([...commands, SENTINEL].join('\n') + '\n');
    });
  }

  #start(): ChildProcessWithoutNullStreams {
    const proc = startToolProcess(this.#bin, ['-force', '-batch', '-'], { stderr: (d) => this.#onStderr(d), ended: (p, why) => this.#ended(p, why) });
    this.#proc = proc;
    this.#lines = 0;
    this.#stderr = '';
    return proc;
  }

  #onStderr(d: string): void {
    this.#stderr += d;
    const cur = this.#current;
    if (!cur) return;
    const end = this.#stderr.indexOf(`Command failed -:${cur.mark}\n`);
    if (end < 0) return;
    const text = this.#stderr.slice(0, end);
    this.#stderr = this.#stderr.slice(end).replace(/^.*\n/, '');
    this.#current = undefined;
    if (this.#proc) (this.#proc.stderr as Socket).unref();
    const failed = [...text.matchAll(/Command failed -:(\d+)\n/g)].map((m) => Number(m[1]) - cur.first);
    const stderr = text.replace(/Object "berth-end-of-batch" is unknown, try "ip help"\.\n/, '');
    if (failed.length > 0) this.close(); // before the next batch is written (see the header)
    else this.#idle = closeWhenIdle(() => this.close(), this.#idleMs); // a next batch clears it
    cur.resolve({ stderr, failed });
  }

  #ended(proc: ChildProcessWithoutNullStreams, why: string): void {
    if (this.#proc !== proc) return;
    this.#proc = undefined;
    const cur = this.#current;
    this.#current = undefined;
    if (cur) cur.reject(Object.assign(systemError(`ip ${why}`), { stderr: this.#stderr }));
  }

  /** Ends the ip process (at EOF it exits); the next batch starts a new one. */
  close(): void {
    const proc = this.#proc;
    this.#proc = undefined;
    proc?.stdin.end();
  }
}

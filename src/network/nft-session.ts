// One long-lived `nft -i` per daemon, fed a batch at a time: nft takes 20–40 ms to start on
// this machine (more than the whole of a bridge endpoint), and a published port pays one batch
// when its container starts and one when it stops (src/bench/endpoint-bench.ts measures it).
//
// In interactive mode nft runs each input line as one buffer, and one buffer is one
// transaction, as a whole `nft -f` file is: a batch goes as its commands joined by "; " on one
// line (nft-rules.ts draws every command on one line), so a refused command leaves nothing of its
// batch. After each batch comes a line that must fail, `list table inet berth_end_of_batch`:
// nft reports it on stderr with the line echoed, which marks where the batch's own messages
// end. Any message before the mark is the batch's failure. nft's cache is no worry: it checks
// the ruleset's generation before each command, so changes by others (another berthd, an admin)
// are seen. After a failed batch the next one starts a new nft all the same (cheap insurance).
import { closeWhenIdle, startToolProcess, TOOL_IDLE_MS } from './tool-process.ts';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { systemError } from '../api/types/errors.ts';
import { SerialQueue } from '../lib/keyed-mutex.ts';

const SENTINEL = 'berth_end_of_batch';
/** A batch whose mark never comes (an nft that reports differently) fails rather than hangs. */
const BATCH_TIMEOUT_MS = 30_000;
const MARK = `list table inet ${SENTINEL}`;

interface InFlight { resolve(stderr: string): void; reject(err: Error): void; timer: NodeJS.Timeout }

export class NftSession {
  readonly #bin: string;
  #proc?: ChildProcessWithoutNullStreams;
  #stderr = '';
  #current?: InFlight;
  readonly #queue = new SerialQueue();
  readonly #idleMs: number;
  #idle?: NodeJS.Timeout;

  constructor(bin = 'nft', idleMs = TOOL_IDLE_MS) {
    this.#bin = bin;
    this.#idleMs = idleMs;
  }

  /** The running nft's pid; undefined before the first batch and once idle (TOOL_IDLE_MS). */
  pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** Applies the commands in one transaction; rejects (a system error with nft's message) when
   *  nft refused them, and then nothing of them was applied. */
  apply(commands: readonly string[]): Promise<void> {
    const line = commands.join('; ');
    // One line is one transaction: a newline inside a command would split the batch.
    if (/[\n\r]/.test(line)) return Promise.reject(systemError('an nft command spans lines'));
    return this.#queue.run(() => this.#send(line)).then((stderr) => {
      if (stderr.trim()) throw systemError(`nft: ${stderr.trim()}`);
    });
  }

  #send(line: string): Promise<string> {
    clearTimeout(this.#idle);
    const proc = this.#proc ?? this.#start();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#current?.timer !== timer) return;
        this.#current = undefined;
        proc.kill('SIGKILL');
        reject(systemError(`nft gave no answer within ${BATCH_TIMEOUT_MS / 1000} s: ${this.#stderr.trim()}`));
      }, BATCH_TIMEOUT_MS);
      timer.unref();
      this.#current = { resolve, reject, timer };
      (proc.stderr as Socket).ref(); // a batch in flight keeps Node running
      proc.stdin.write(`${line}\n${MARK}\n`);
    });
  }

  #start(): ChildProcessWithoutNullStreams {
    const proc = startToolProcess(this.#bin, ['-i'], { stderr: (d) => this.#onStderr(d), ended: (p, why) => this.#ended(p, why) });
    this.#proc = proc;
    this.#stderr = '';
    return proc;
  }

  /** The mark's report is "Error: ...\n<MARK>\n<carets>\n"; what came before it is the batch's. */
  #onStderr(d: string): void {
    this.#stderr += d;
    const cur = this.#current;
    if (!cur) return;
    const at = this.#stderr.indexOf(`\n${MARK}\n`);
    if (at < 0) return;
    const caretsEnd = this.#stderr.indexOf('\n', at + MARK.length + 2);
    if (caretsEnd < 0) return; // the caret line is still on its way
    const errorLine = this.#stderr.lastIndexOf('\n', at - 1) + 1; // the mark's own "Error:" line
    const text = this.#stderr.slice(0, errorLine);
    this.#stderr = this.#stderr.slice(caretsEnd + 1);
    this.#current = undefined;
    clearTimeout(cur.timer);
    if (this.#proc) (this.#proc.stderr as Socket).unref();
    if (text.trim()) this.close();
    else this.#idle = closeWhenIdle(() => this.close(), this.#idleMs); // a next batch clears it
    cur.resolve(text);
  }

  #ended(proc: ChildProcessWithoutNullStreams, why: string): void {
    if (this.#proc !== proc) return;
    this.#proc = undefined;
    const cur = this.#current;
    this.#current = undefined;
    if (cur) clearTimeout(cur.timer), cur.reject(systemError(`nft ${why}: ${this.#stderr.trim()}`));
  }

  /** Ends the nft process (at EOF it exits); the next batch starts a new one. */
  close(): void {
    const proc = this.#proc;
    this.#proc = undefined;
    proc?.stdin.end();
  }
}

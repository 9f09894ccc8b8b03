// One rootless berthd run as a test's user (rootless-user.ts): setpriv → env → node → (the
// launcher's execve) nsenter → node — one pid from start to end, which stop() and kill() signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BERTHD } from './berthd-harness.ts';
import { within } from './until.ts';

/** What the daemon needs of its user. */
export interface DaemonUser {
  readonly name: string;
  readonly home: string;
  as(env?: Record<string, string>): string[];
}

const START_TIMEOUT_MS = 60_000;

export class RootlessBerthd {
  readonly #user: DaemonUser;
  readonly #args: string[];
  readonly #env: Record<string, string>;
  #child: ChildProcess | undefined;
  #log = '';

  constructor(user: DaemonUser, args: string[], env: Record<string, string>) {
    this.#user = user;
    this.#args = args;
    this.#env = env;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get log(): string {
    return this.#log;
  }

  async start(): Promise<void> {
    const [cmd, ...prefix] = this.#user.as(this.#env);
    const child = spawn(cmd!, [...prefix, process.execPath, reachableBerthd(this.#user.home), ...this.#args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.#user.home });
    this.#child = child;
    child.stdout!.on('data', (d: Buffer) => (this.#log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.#log += d.toString()));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code, sig) => reject(new Error(`rootless berthd exited (${code ?? sig}) during start:\n${this.#log}`))));
    const deadline = Date.now() + START_TIMEOUT_MS;
    const ready = (async () => {
      while (!/Daemon has completed initialization/.test(this.#log)) {
        if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await Promise.race([ready, exited]);
    if (!/Daemon has completed initialization/.test(this.#log)) {
      throw new Error(`rootless berthd of ${this.#user.name} not ready within ${START_TIMEOUT_MS / 1000} s:\n${this.#log}`);
    }
    exited.catch(() => undefined); // its exit later is the test's business (stop, kill)
  }

  /** Signal the daemon and wait for it to exit (bounded); returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return within(`rootless berthd (pid ${child.pid}) to exit on ${signal}`, done, 60_000);
  }

  kill(): Promise<number | null> {
    return this.stop('SIGKILL');
  }

  /** The user's removal ends it by uid; its pipes must not keep the test alive. */
  forget(): void {
    this.#child?.stdout?.destroy();
    this.#child?.stderr?.destroy();
  }
}

/** Whether every directory above `path` lets other users through (o+x). */
function traversable(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/** A directory with bin/ and dist/release/ that the test's user can reach: the checkout where
 * every directory above it lets others through, else a copy of those two (the release bundles
 * and their launchers, as installed) in the user's home — a CI checkout may sit under a 0700
 * home. Needs the release bundle (make build) for the copy. */
export function reachableCheckout(home: string): string {
  const checkout = dirname(dirname(dirname(BERTHD))); // <checkout>/dist/<release|bin>/berthd.js
  if (traversable(BERTHD)) return checkout;
  if (basename(dirname(BERTHD)) !== 'release') throw new Error(`rootless tests run berthd as another user, who cannot reach ${BERTHD} (a directory above it is not o+x): build the release bundle (make build) or move the checkout`);
  const copy = join(home, '.berth-checkout');
  if (!existsSync(copy)) {
    cpSync(join(checkout, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(dirname(BERTHD), join(copy, 'dist', 'release'), { recursive: true });
  }
  return copy;
}

function reachableBerthd(home: string): string {
  return join(reachableCheckout(home), 'dist', basename(dirname(BERTHD)), basename(BERTHD));
}

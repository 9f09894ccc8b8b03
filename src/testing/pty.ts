// A command run on a pseudo-terminal (util-linux `script`), driven like a person at a keyboard:
// wait for some output, type, wait again. Tests of `-t` need a real terminal on the client side
// (the docker CLI refuses -t when its stdin is not one), and waiting for the prompt instead of
// sleeping keeps them steady on a loaded machine.
import { spawn, type ChildProcess } from 'node:child_process';

export class PtySession {
  readonly #child: ChildProcess;
  #output = '';
  #waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  /** `command` runs under `sh -c` on a fresh terminal of `rows`×`cols`. */
  constructor(command: string, opts: { env?: NodeJS.ProcessEnv; rows?: number; cols?: number; timeoutMs?: number } = {}) {
    const size = `stty rows ${opts.rows ?? 24} cols ${opts.cols ?? 80}; `;
    // -e: script exits with the command's status; -f: output is flushed as it comes.
    this.#child = spawn('script', ['-qfec', size + command, '/dev/null'], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const onData = (d: Buffer) => {
      this.#output += d.toString();
      for (const w of this.#waiters.splice(0)) w();
    };
    this.#child.stdout!.on('data', onData);
    this.#child.stderr!.on('data', onData);
    // A command that hangs is ended, so a failing test fails instead of stalling the suite.
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    this.exited = new Promise((resolve) => this.#child.on('close', (code) => (clearTimeout(timer), resolve(code), onData(Buffer.alloc(0)))));
  }

  get output(): string {
    return this.#output;
  }

  /** Resolves once the output (from `from` on) matches; fails after `timeoutMs` with what came. */
  async expect(pattern: RegExp, opts: { from?: number; timeoutMs?: number } = {}): Promise<number> {
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    for (;;) {
      const m = pattern.exec(this.#output.slice(opts.from ?? 0));
      if (m) return (opts.from ?? 0) + m.index + m[0].length;
      if (Date.now() > deadline || this.#child.exitCode !== null) throw new Error(`no ${pattern} in terminal output:\n${this.#output}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.#waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  type(text: string): void {
    this.#child.stdin!.write(text);
  }

  /** Ends the session (a test's way out when the command hangs). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.#child.kill(signal);
  }
}

// Running the util-linux/coreutils/attr helpers. Node has no mount(2), mknod(2) or setxattr(2),
// so the layer store shells out for exactly those calls; everything else uses node:fs. The runs
// go through the host helper (lib/host-exec.ts): a fork of berthd blocks its event loop.
import { execHere, execHost, ExecStartError } from '../../lib/host-exec.ts';

export class CommandError extends Error {
  readonly command: string;
  readonly stderr: string;
  readonly code: string | number | undefined;
  constructor(command: string, stderr: string, code: string | number | undefined) {
    super(`${command} failed: ${stderr || `exit ${code}`}`);
    this.name = 'CommandError';
    this.command = command;
    this.stderr = stderr;
    this.code = code;
  }
}

export interface RunOptions {
  cwd?: string;
  /** From berthd itself (child_process), not the host helper: for a run at start, before any
   * request waits on the loop, where starting the helper would cost more than the fork. */
  here?: boolean;
}

/** Run a command without a shell (arguments are never re-parsed); resolves with stdout bytes.
 * A failure's code is, as execFile's, the exit code, the signal's name, or the errno name. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<Buffer> {
  const command = `${cmd} ${args.join(' ')}`;
  // LC_ALL=C: error texts are matched (e.g. "Operation not supported") and shown in /info.
  const env = { ...process.env, LC_ALL: 'C' };
  const r = await (opts.here ? execHere : execHost)(cmd, args, { env, ...(opts.cwd && { cwd: opts.cwd }) }).catch((err: unknown) => {
    if (!(err instanceof ExecStartError)) throw err;
    throw new CommandError(command, err.code === 'ENOENT' ? `${cmd}: command not found` : err.message, err.code);
  });
  if (r.code === 0) return r.stdout;
  throw new CommandError(command, r.stderr.toString('utf8').trim(), r.code ?? r.signal ?? undefined);
}

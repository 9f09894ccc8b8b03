// Running the util-linux/coreutils/attr helpers. Node has no mount(2), mknod(2) or setxattr(2),
// so the layer store shells out for exactly those calls; everything else uses node:fs.
import { execFile } from 'node:child_process';

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
}

/** Run a command without a shell (arguments are never re-parsed); resolves with stdout bytes. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      // LC_ALL=C: error texts are matched (e.g. "Operation not supported") and shown in /info.
      { cwd: opts.cwd, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        const text = stderr.toString('utf8').trim() || (code === 'ENOENT' ? `${cmd}: command not found` : '');
        reject(new CommandError(`${cmd} ${args.join(' ')}`, text, code));
      },
    );
  });
}

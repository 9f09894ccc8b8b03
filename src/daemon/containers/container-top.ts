// docker top: the host's `ps` with the caller's arguments, narrowed to the container's pids.
// As dockerd: the pids go to ps as -q<pid,...> first (cheap on a busy host); options that
// cannot be combined with -q (e.g. f) make ps fail, and then it runs without, filtering rows.
import { execFile } from 'node:child_process';
import { parsePsOutput } from './ps-output.ts';
import { systemError } from '../../api/types/errors.ts';
import type { TopResponse } from '../../api/routers/container-observe.ts';

export const DEFAULT_PS_ARGS = '-ef';

/** dockerd refuses to let ps rename a column to something PID-like (e.g. -o user=PID). */
export function validatePsArgs(psArgs: string): void {
  for (const m of psArgs.matchAll(/[\t\n\f\r ]+([^\t\n\f\r ]*)=[\t\n\f\r ]*(PID[^\t\n\f\r ]*)/g)) {
    if (m[1] !== 'pid') throw systemError(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

interface PsResult {
  stdout: Buffer;
  error?: { message: string };
}

function ps(args: string[]): Promise<PsResult> {
  return new Promise((resolve) => {
    execFile('ps', args, { encoding: 'buffer', maxBuffer: 64 << 20, timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout });
      // The first line of ps's stderr says why; else Go's "exit status N" (or the exec error).
      const first = stderr.toString('utf8').split('\n')[0];
      const code = (err as { code?: unknown }).code;
      const message = first || (typeof code === 'number' ? `exit status ${code}` : err.message);
      resolve({ stdout, error: { message } });
    });
  });
}

export async function containerTop(psArgs: string, pids: readonly number[]): Promise<TopResponse> {
  // dockerd splits on single spaces: "aux  " passes empty arguments to ps, and so do we.
  const args = (psArgs || DEFAULT_PS_ARGS).split(' ');
  let res = await ps([...args, `-q${pids.join(',')}`]);
  if (res.error) res = await ps(args);
  if (res.error) throw systemError(`ps: ${res.error.message}`);
  return parsePsOutput(res.stdout, pids);
}

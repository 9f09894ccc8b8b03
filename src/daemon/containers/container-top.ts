// docker top: the host's `ps` with the caller's arguments, narrowed to the container's pids.
// As dockerd: the pids go to ps as -q<pid,...> first (cheap on a busy host); options that
// cannot be combined with -q (e.g. f) make ps fail, and then it runs without, filtering rows.
import { execHost } from '../../lib/host-exec.ts';
import { parsePsOutput } from './ps-output.ts';
import { invalidParameter, systemError } from '../../api/types/errors.ts';
import type { TopResponse } from '../../api/routers/container-observe.ts';

export const DEFAULT_PS_ARGS = '-ef';

/** dockerd refuses to let ps rename a column to something PID-like (e.g. -o user=PID); its 500
 * is the client's error here (400), as is an argument no program can take (a NUL byte). */
export function validatePsArgs(psArgs: string): void {
  if (psArgs.includes('\0')) throw invalidParameter('ps: an argument contains a NUL byte');
  for (const m of psArgs.matchAll(/[\t\n\f\r ]+([^\t\n\f\r ]*)=[\t\n\f\r ]*(PID[^\t\n\f\r ]*)/g)) {
    if (m[1] !== 'pid') throw invalidParameter(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

interface PsResult {
  stdout: Buffer;
  /** `refused`: ps ran and exited non-zero, i.e. it would not take the caller's arguments. */
  error?: { message: string; refused: boolean };
}

/** Through the host helper (lib/host-exec.ts): a fork of berthd blocks its event loop. */
async function ps(args: string[]): Promise<PsResult> {
  const r = await execHost('ps', args, { timeoutMs: 30_000 }).catch((err: Error) => err);
  if (r instanceof Error) return { stdout: Buffer.alloc(0), error: { message: r.message, refused: false } };
  if (r.code === 0) return { stdout: r.stdout };
  // The first line of ps's stderr says why; else Go's "exit status N" (or the signal).
  const first = r.stderr.toString('utf8').split('\n')[0];
  return { stdout: r.stdout, error: { message: first || (r.code !== null ? `exit status ${r.code}` : `signal: ${r.signal}`), refused: r.code !== null } };
}

export async function containerTop(psArgs: string, pids: readonly number[]): Promise<TopResponse> {
  // dockerd splits on single spaces: "aux  " passes empty arguments to ps, and so do we.
  const args = (psArgs || DEFAULT_PS_ARGS).split(' ');
  let res = await ps([...args, `-q${pids.join(',')}`]);
  if (res.error) res = await ps(args);
  // dockerd answers ps's complaint about its arguments with a 500; it is the caller's error.
  if (res.error) throw (res.error.refused ? invalidParameter : systemError)(`ps: ${res.error.message}`);
  return parsePsOutput(res.stdout, pids);
}

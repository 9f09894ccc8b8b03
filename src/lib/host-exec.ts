// Running a host program to its end (runc, ip, nft, getfattr, ps, ...) without forking berthd.
// libuv's spawn forks berthd's whole address space and blocks the event loop until the child
// has exec'd: 80–160 ms per child on a loaded machine, so every API call waited behind each
// `runc pause` or `getfattr` (the soak's _ping p99 was as long as its list p99). The host helper
// (host-helper.ts) forks instead, a small process; this answers the same as execFile would.
// Where the helper cannot run (no perl, BERTH_HOST_HELPER=off), child_process.spawn does it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { hostHelper, HelperError, type ExecResult } from './host-helper.ts';

export type { ExecResult } from './host-helper.ts';

export interface ExecOptions {
  cwd?: string;
  /** The whole environment of the program (default: berthd's). */
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** SIGKILL after this long (the helper counts whole seconds). */
  timeoutMs?: number;
}

/** Error of a program that could not be started: `code` is the errno name, as spawn's. */
export class ExecStartError extends Error {
  readonly code: string;
  constructor(cmd: string, message: string, code: string) {
    super(`spawn ${cmd}: ${message}`);
    this.name = 'ExecStartError';
    this.code = code;
  }
}

/** Runs cmd with args (no shell) to its end; resolves whatever the exit code or signal. */
export async function execHost(cmd: string, args: readonly string[], o: ExecOptions = {}): Promise<ExecResult> {
  const helper = hostHelper();
  if (!helper) return execHere(cmd, args, o);
  try {
    return await helper.exec([cmd, ...args], { env: o.env ?? process.env, ...(o.cwd && { cwd: o.cwd }), ...(o.input !== undefined && { input: o.input }), ...(o.timeoutMs && { timeoutMs: o.timeoutMs }) });
  } catch (err) {
    if (err instanceof HelperError) throw new ExecStartError(cmd, err.message, errnoName(err.errno));
    throw err;
  }
}

function errnoName(n: number): string {
  return Object.entries(constants.errno).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;
}

/** The same through child_process, for hosts without the helper. */
export function execHere(cmd: string, args: readonly string[], o: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), o.timeoutMs) : undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ExecStartError(cmd, e.message, e.code ?? 'EIO'));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? null : code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    child.stdin.on('error', () => undefined); // an early exit closes stdin: the exit code tells
    child.stdin.end(o.input ?? '');
  });
}

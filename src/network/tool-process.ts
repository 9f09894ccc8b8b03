// A long-lived tool (ip -batch, nft -i) that berthd feeds batch after batch: its stderr carries
// the answers, its end is reported once, and it never keeps Node running on its own (a batch in
// flight refs its stderr while it waits).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';

/** How long a session's tool may sit idle before it is ended: an idle daemon then holds no ip
 *  or nft process (~4 MiB each, issue 12), and a burst of batches (a container's start) still
 *  pays one spawn. */
export const TOOL_IDLE_MS = 5_000;

/** Calls close once the tool has been idle for ms; cancel with clearTimeout at the next batch. */
export function closeWhenIdle(close: () => void, ms: number): NodeJS.Timeout {
  const t = setTimeout(close, ms);
  t.unref();
  return t;
}

export function startToolProcess(bin: string, args: string[], on: { stderr: (d: string) => void; ended: (proc: ChildProcessWithoutNullStreams, why: string) => void }): ChildProcessWithoutNullStreams {
  const proc = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  proc.stdout.resume(); // nothing berth sends prints there; drained all the same
  proc.stderr.setEncoding('utf8').on('data', on.stderr);
  proc.stdin.on('error', (err) => on.ended(proc, err.message));
  proc.on('error', (err) => on.ended(proc, err.message));
  proc.on('close', (code, signal) => on.ended(proc, `exited (${signal ?? code})`));
  proc.unref();
  (proc.stdout as Socket).unref();
  (proc.stderr as Socket).unref();
  return proc;
}

// A long-lived tool (ip -batch, nft -i) that berthd feeds batch after batch: its stderr carries
// the answers, its end is reported once, and it never keeps Node running on its own (a batch in
// flight refs its stderr while it waits).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';

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

// Run a command (the berth CLI, the real docker CLI, curl) and collect what it printed.
import { spawn } from 'node:child_process';
import { BERTH } from './berthd-harness.ts';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd && { cwd: opts.cwd }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let late = false;
    const timer = setTimeout(() => ((late = true), child.kill('SIGKILL')), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // A command ended for taking too long says so where a test shows what it printed.
      if (late) stderr += `\n[${cmd} killed: still running after ${timeoutMs} ms]\n`;
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading its input (a refused flag) closes the pipe first.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

export function berth(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  // `--`: node reads a script's `--env-file` argument as its own option without it.
  return run(process.execPath, ['--', BERTH, ...args], opts);
}

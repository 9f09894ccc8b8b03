// Starting a conmon: detached (it forks the monitor and exits), with fd 3 as the sync pipe on which
// the monitor reports `runc create`'s outcome. Through the host helper where it runs: a fork of
// berthd costs several milliseconds here, during which libuv's spawn blocks the event loop; a
// fork of the helper costs a fraction. Otherwise with child_process.spawn.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BerthError } from '../../api/types/errors.ts';
import { hostHelper } from '../../lib/host-helper.ts';

export function readPid(file: string): number {
  const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  if (!(pid > 0)) throw new BerthError('system', `no pid in ${file}`);
  return pid;
}

export interface Launched {
  /** conmon's first process has exited (it forks the monitor) and said its line on fd 3. */
  result: Promise<{ code: number | null; line: string; stderr: Promise<string> }>;
  /** Stop listening on the sync pipe (the monitor keeps it open for as long as it lives). */
  close(): void;
}

/** Starts conmon (path, args) in cwd with env; see the top of the file. */
export function launch(path: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Launched {
  const helper = hostHelper();
  if (helper) {
    const result = helper.spawnDetached([path, ...args], { cwd, env }).then(
      (r) => ({ code: r.code, line: r.sync.split('\n')[0]!, stderr: Promise.resolve(r.stderr) }),
      (e: Error) => Promise.reject(new BerthError('system', `conmon: ${e.message}`, { cause: e })),
    );
    return { result, close: () => undefined };
  }
  const child = spawn(path, args, { cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stderrDone = new Promise<string>((resolve) => child.stderr!.on('close', () => resolve(stderr)));
  // 'exit', not 'close': the monitor keeps the sync pipe open for as long as it lives.
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new BerthError('system', `conmon: ${e.message}`, { cause: e })));
    child.on('exit', (code) => resolve(code));
  });
  const sync = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
  const line = new Promise<string>((resolve) => {
    let text = '';
    sync.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    sync.on('end', () => resolve(text)); // conmon gone without a word: see its exit code
    sync.on('error', () => resolve(text));
  });
  return {
    result: Promise.all([exited, line]).then(([code, l]) => ({ code, line: l, stderr: stderrDone })),
    close: () => sync.destroy(),
  };
}

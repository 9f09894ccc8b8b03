// Commands berthd itself runs in a container (health probes): an exec instance like any other
// (the container's user, environment and directory; exec_create/exec_start/exec_die events, as
// dockerd sends for its probes too), its output collected up to a limit, and SIGKILLed when it
// runs past its timeout or the caller gives up.
import type { ExecService } from './exec-service.ts';
import { OutputLimit } from './health-state.ts';

export interface ExecRunResult {
  /** The process's exit code (137 when it was killed). */
  exitCode: number;
  /** stdout and stderr as they came, the first `outputLimit` bytes, "..." if more was cut. */
  output: string;
  timedOut: boolean;
}

export interface ExecRunOptions {
  /** Counted from the moment the process runs (starting it does not count, as in dockerd). */
  timeoutMs: number;
  /** Ends the run early: the process is killed and its exit awaited. */
  signal?: AbortSignal;
}

/** Throws what exec create/start throw (container not running, OCI runtime exec failed ...). */
export async function runInContainer(execs: ExecService, containerId: string, cmd: string[], opts: ExecRunOptions): Promise<ExecRunResult> {
  const { Id } = await execs.create(containerId, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
  // The stream reads the session's log to its end; nothing must cut it short.
  const stream = await execs.start(Id, { detach: false, signal: new AbortController().signal });
  const instance = execs.get(Id);
  let timedOut = false;
  const kill = () => {
    if (!instance.running || !instance.pid) return;
    try {
      process.kill(instance.pid, 'SIGKILL');
    } catch {
      // it ended meanwhile
    }
  };
  const timer = setTimeout(() => ((timedOut = true), kill()), opts.timeoutMs);
  opts.signal?.addEventListener('abort', kill, { once: true });
  if (opts.signal?.aborted) kill();
  const output = new OutputLimit();
  try {
    for await (const batch of stream!.lines) for (const entry of batch) output.push(entry.line);
    const exit = await instance.done!;
    return { exitCode: exit.exitCode, output: output.text(), timedOut };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', kill);
  }
}

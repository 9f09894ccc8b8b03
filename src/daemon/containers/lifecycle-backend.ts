// The lifecycle router's backend: lifecycle operations, logs from conmon's log file, and
// attach (output followed from the log, stdin through conmon's attach socket).
import { PassThrough, type Writable } from 'node:stream';
import type { LifecycleBackend, LogLine } from '../../api/routers/container-lifecycle.ts';
import type { Lifecycle } from './lifecycle.ts';
import { readLogs } from '../../runtime/monitor/log-reader.ts';
import { notImplemented } from '../../api/types/errors.ts';

export function lifecycleBackend(lc: Lifecycle): LifecycleBackend {
  const svc = lc.deps.svc;
  return {
    start: (id) => lc.start(id),
    stop: (id, opts) => lc.stop(id, opts),
    kill: (id, signal) => lc.kill(id, signal),
    async restart(id, opts) {
      const c = svc.resolve(id);
      if (c.status === 'running' || c.status === 'paused') await lc.stop(c.id, opts);
      await lc.start(c.id);
      svc.emit(svc.resolve(c.id), 'restart');
    },
    wait: (id, condition) => lc.wait(id, condition),
    logs(id, req) {
      const c = svc.resolve(id);
      lc.deps.logs.checkReadable(c);
      const exited = lc.exitOf(c.id);
      const lines = readLogs(c.logPath, {
        follow: req.follow && exited !== undefined, stdout: req.stdout, stderr: req.stderr, signal: req.signal,
        ...(exited && { exited }), ...(req.sinceNano !== undefined && { since: req.sinceNano }),
        ...(req.untilNano !== undefined && { until: req.untilNano }), ...(req.tail !== undefined && { tail: req.tail }),
      });
      return { tty: (c.config as { Tty?: boolean }).Tty === true, lines };
    },
    async attach(id, opts) {
      const c = svc.resolve(id);
      const cfg = c.config as { Tty?: boolean; OpenStdin?: boolean };
      if (opts.stdin && cfg.OpenStdin && cfg.Tty) throw notImplemented('interactive TTY attach is not supported yet (use -i without -t, or -d)');
      const since = opts.logs ? undefined : BigInt(Date.now()) * 1_000_000n;
      svc.emit(c, 'attach');
      const stdin = opts.stdin && cfg.OpenStdin ? new PassThrough() : undefined;
      return { tty: cfg.Tty === true, lines: follow(lc, c.id, since, opts.signal, stdin), ...(stdin && { stdin }) };
    },
  };
}

/** Output of the current run, or of the next one when the container is not running yet. */
async function* follow(lc: Lifecycle, id: string, since: bigint | undefined, signal: AbortSignal, stdin: Writable | undefined): AsyncGenerator<LogLine> {
  const exited = lc.exitOf(id) ?? (await lc.nextRun(id, lc.runGeneration(id), signal))?.exit;
  if (!exited) return;
  if (stdin) void connectStdin(lc, id, stdin);
  const c = lc.deps.svc.resolve(id);
  yield* readLogs(c.logPath, { follow: true, exited, signal, ...(since !== undefined && { since }) });
}

async function connectStdin(lc: Lifecycle, id: string, stdin: Writable): Promise<void> {
  try {
    const attachment = await lc.deps.conmon.attach(id);
    (stdin as PassThrough).pipe(attachment.stdin);
    attachment.output.resume();
  } catch {
    (stdin as PassThrough).resume();
  }
}

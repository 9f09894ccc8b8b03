// The lifecycle router's backend: lifecycle operations, logs from conmon's log file, and
// attach (output followed from the log, stdin through conmon's attach socket).
import type { LifecycleBackend, LogLine } from '../../api/routers/container-lifecycle.ts';
import type { Lifecycle } from './lifecycle.ts';
import { readLogBatches } from '../../runtime/monitor/log-reader.ts';
import { conflict } from '../../api/types/errors.ts';
import { updateContainer } from './container-update.ts';
import { detachKeysOf, detachScanner } from './detach-keys.ts';
import type { EscapeDetector } from '../../api/types/detach-keys.ts';

export function lifecycleBackend(lc: Lifecycle): LifecycleBackend {
  const svc = lc.deps.svc;
  return {
    start: (id) => lc.start(id),
    stop: (id, opts) => lc.stop(id, opts),
    kill: (id, signal) => lc.kill(id, signal),
    restart: (id, opts) => lc.restart(id, opts),
    pause: (id) => lc.pause(id),
    update: (id, body) => lc.locked(svc.resolve(id).id, () => updateContainer(lc, id, body)),
    unpause: (id) => lc.unpause(id),
    wait: (id, condition) => lc.wait(id, condition),
    logs(id, req) {
      const c = svc.resolve(id);
      lc.deps.logs.checkReadable(c);
      const exited = lc.endOf(c.id);
      const lines = readLogBatches(c.logPath, {
        follow: req.follow && exited !== undefined, stdout: req.stdout, stderr: req.stderr, signal: req.signal,
        ...(exited && { exited }), ...(req.sinceNano !== undefined && { since: req.sinceNano }),
        ...(req.untilNano !== undefined && { until: req.untilNano }), ...(req.tail !== undefined && { tail: req.tail }),
      });
      return { tty: (c.config as { Tty?: boolean }).Tty === true, lines };
    },
    async attach(id, opts) {
      const c = svc.resolve(id);
      const cfg = c.config as { Tty?: boolean; OpenStdin?: boolean };
      const keys = detachKeysOf(opts.detachKeys);
      const since = opts.logs ? undefined : BigInt(Date.now()) * 1_000_000n;
      svc.emit(c, 'attach');
      const detach = new AbortController();
      const stdin = opts.stdin && cfg.OpenStdin ? detachScanner(keys) : undefined;
      stdin?.once('escape', () => {
        svc.emit(svc.resolve(c.id), 'detach');
        detach.abort();
      });
      const tty = cfg.Tty === true;
      const signal = AbortSignal.any([opts.signal, detach.signal]);
      return { tty, lines: follow(lc, c.id, { since, signal, stdin, tty }), ...(stdin && { stdin }) };
    },
    async resize(id, height, width) {
      const c = svc.resolve(id);
      if (c.status !== 'running' && c.status !== 'paused') throw conflict(`Container ${c.id} is not running`);
      if (!(c.config as { Tty?: boolean }).Tty) return; // dockerd answers 200 and does nothing
      await lc.deps.conmon.resize(c.id, height, width);
      svc.emit(c, 'resize', { height: String(height), width: String(width) });
    },
  };
}

interface FollowOptions {
  since: bigint | undefined;
  signal: AbortSignal;
  stdin: EscapeDetector | undefined;
  /** A TTY's output goes out as it comes, partial lines included (a prompt has no newline). */
  tty: boolean;
}

/** Output of the current run, or of the next one when the container is not running yet. */
async function* follow(lc: Lifecycle, id: string, o: FollowOptions): AsyncGenerator<LogLine[]> {
  const exited = lc.endOf(id) ?? (await lc.nextRun(id, lc.runGeneration(id), o.signal))?.ended;
  if (!exited) return;
  if (o.stdin) void connectStdin(lc, id, o.stdin);
  const c = lc.deps.svc.resolve(id);
  yield* readLogBatches(c.logPath, { follow: true, exited, signal: o.signal, fragments: o.tty, ...(o.since !== undefined && { since: o.since }) });
}

async function connectStdin(lc: Lifecycle, id: string, stdin: EscapeDetector): Promise<void> {
  try {
    const attachment = await lc.deps.conmon.attach(id);
    // Detached: the client is gone but the container's stdin stays open (conmon closes it on
    // the bridge's EOF), so the bridge is let go without an end; it exits with the container.
    stdin.pipe(attachment.stdin, { end: false });
    stdin.once('end', () => stdin.escaped || attachment.stdin.end());
    attachment.output.resume();
  } catch {
    stdin.resume();
  }
}

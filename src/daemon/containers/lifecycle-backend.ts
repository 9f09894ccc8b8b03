// The lifecycle router's backend: lifecycle operations, logs from conmon's log file, and
// attach (output followed from the log, stdin through conmon's attach socket).
import type { LifecycleBackend, LogLine } from '../../api/routers/container-lifecycle.ts';
import type { Lifecycle } from './lifecycle.ts';
import { readLogBatches } from '../../runtime/monitor/log-reader.ts';
import { readOutput } from '../../runtime/monitor/output-reader.ts';
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
    update: (id, body, guard) => lc.locked(svc.resolve(id).id, () => updateContainer(lc, id, body, guard)),
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
      const keys = detachKeysOf(opts.detachKeys); // dockerd checks them before the container
      const c = svc.resolve(id);
      const cfg = c.config as { Tty?: boolean; OpenStdin?: boolean; StdinOnce?: boolean };
      const now = BigInt(Date.now()) * 1_000_000n;
      svc.emit(c, 'attach');
      const tty = cfg.Tty === true;
      const streams = { stdout: opts.stdout, stderr: opts.stderr };
      // The past as `logs` has it (a line a frame); a line the process is half way through
      // is cut where the live part takes over, so nothing is sent twice.
      const past = opts.logs ? readLogBatches(c.logPath, { ...streams, until: now, fragments: now + 1n, signal: opts.signal }) : undefined;
      const live = opts.stream && (opts.stdout || opts.stderr || (opts.stdin && cfg.OpenStdin === true));
      if (!live) return { tty, lines: past ?? none() };
      const ends = new AbortController(); // a detach, or stdin's end where that ends the session
      const stdin = opts.stdin && cfg.OpenStdin ? detachScanner(keys, tty) : undefined;
      stdin?.once('escape', () => {
        svc.emit(svc.resolve(c.id), 'detach');
        ends.abort();
      });
      // As dockerd: the client's EOF closes the container's stdin only for StdinOnce without a
      // TTY, and then the output goes on to the end; otherwise it ends the session at once.
      if (stdin && !(cfg.StdinOnce && !tty)) stdin.once('end', () => ends.abort());
      const signal = AbortSignal.any([opts.signal, ends.signal]);
      const lines = follow(lc, c.id, { since: now + 1n, signal, stdin, ...streams });
      return { tty, lines: past ? chain(past, lines) : lines, ...(stdin && { stdin }) };
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
  since: bigint;
  signal: AbortSignal;
  stdin: EscapeDetector | undefined;
  stdout: boolean;
  stderr: boolean;
}

/** Output of the current run, or of the next one when the container is not running yet, as
 * the process wrote it (readOutput). */
async function* follow(lc: Lifecycle, id: string, o: FollowOptions): AsyncGenerator<LogLine[]> {
  const exited = lc.endOf(id) ?? (await lc.nextRun(id, lc.runGeneration(id), o.signal))?.ended;
  if (!exited) return;
  if (o.stdin) void connectStdin(lc, id, o.stdin);
  const c = lc.deps.svc.resolve(id);
  // Counted until its last batch is handed on: a wait for this run answers after it.
  const done = Promise.withResolvers<void>();
  lc.outputs.add(id, done.promise);
  try {
    yield* readOutput(c.logPath, { follow: true, exited, signal: o.signal, since: o.since, stdout: o.stdout, stderr: o.stderr });
  } finally {
    done.resolve();
  }
}

async function* chain<T>(...parts: AsyncIterable<T>[]): AsyncGenerator<T> {
  for (const p of parts) yield* p;
}

async function* none(): AsyncGenerator<LogLine[]> {}

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

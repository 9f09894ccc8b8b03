// Errors a caller goes on without still leave a trace. A teardown step that fails (runc delete,
// an unmount, a log's last rotation) while nobody is told — the request already has its answer,
// or a later step matters more — must show in the daemon log, or the leak it causes later has no
// history. An outcome that is no failure (the thing was gone already) stays silent: the caller
// says which with `expected`.
import type { LogFields, Logger } from './logger.ts';

export interface FailureOptions<T> {
  /** Context for the log line (the container's id, a path). */
  fields?: LogFields;
  /** Errors that are the expected end of the step, not failures: not logged. */
  expected?: (err: unknown) => boolean;
  /** What the caller goes on with (undefined by default). */
  value?: T;
  /** debug by default; warn where the failure leaves something behind that needs a look. */
  level?: 'debug' | 'warn';
}

/** A `.catch` handler: logs "<what> failed" (debug) with the error, and resolves `value`. */
export function logFailure<T = undefined>(logger: Logger | undefined, what: string, o: FailureOptions<T> = {}): (err: unknown) => T {
  return (err) => {
    if (!o.expected?.(err)) logger?.[o.level ?? 'debug'](`${what} failed`, { ...o.fields, error: err instanceof Error ? err.message : String(err) });
    return o.value as T;
  };
}

/** Already gone: no such file (ENOENT), no such process (ESRCH), or an error of kind not-found
 * (runc does not know the container). */
export function alreadyGone(err: unknown): boolean {
  const e = err as { code?: unknown; kind?: unknown } | undefined;
  return e?.code === 'ENOENT' || e?.code === 'ESRCH' || e?.kind === 'not-found';
}

/** Already gone, or not running any more (runc's "not running"/"not paused": a conflict). */
export function alreadyEnded(err: unknown): boolean {
  return alreadyGone(err) || (err as { kind?: unknown } | undefined)?.kind === 'conflict';
}

/** A `.catch` for a lookup: no such file (ENOENT, ENOTDIR) is `value`; any other error goes on. */
export function orIfMissing<T>(value: T): (err: unknown) => T {
  return (err) => {
    const code = (err as { code?: unknown } | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return value;
    throw err;
  };
}

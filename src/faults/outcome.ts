// What an API call's answer means to the fault runs: an expected refusal (a 404 for a container
// another client removed, a 409 for one that is not running) is part of the load; a 5xx, a
// reset or any other failure to answer is a finding.
import { BerthError } from '../api/types/errors.ts';

const STATUS: Record<string, number> = {
  'invalid-parameter': 400, unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409,
  'not-modified': 304, 'not-implemented': 501, unavailable: 503, system: 500,
};

export interface Outcome {
  /** "ok", an HTTP status, or "error" (no answer: refused, reset, cut short). */
  label: string;
  /** Set when the answer is a finding. */
  finding?: string;
}

export function outcomeOf(err: unknown): Outcome {
  if (err === undefined) return { label: 'ok' };
  if (err instanceof BerthError) {
    const status = STATUS[err.kind] ?? 500;
    return status >= 500 ? { label: String(status), finding: `${status}: ${err.message}` } : { label: String(status) };
  }
  const e = err as NodeJS.ErrnoException;
  return { label: 'error', finding: `no answer: ${e.code ?? ''} ${e.message ?? String(err)}`.trim() };
}

/** Runs op and reports its outcome; never throws. */
export async function attempt<T>(op: () => Promise<T>): Promise<{ value?: T; outcome: Outcome }> {
  try {
    return { value: await op(), outcome: outcomeOf(undefined) };
  } catch (err) {
    return { outcome: outcomeOf(err) };
  }
}

// What the soak's clients did, window by window: every operation counted by kind, every failure
// counted by kind with its first messages kept, and the round trips of GET /containers/json.
// The sampler closes a window each minute (take()); the totals run over the whole soak.
import { BerthError } from '../api/types/errors.ts';
import { Tally } from '../faults/stats.ts';

export interface Window {
  ops: Tally;
  errors: Tally;
  /** The clients' GET /containers/json?all=1 round trips, in ms, timed in the soak's busy process
   * (latency-probe.ts times them from a process of its own: the figure the verdict judges). */
  listMs: number[];
}

const newWindow = (): Window => ({ ops: new Tally(), errors: new Tally(), listMs: [] });
/** Messages kept per error kind: enough to see what went wrong, not a log of the soak. */
const KEEP_PER_KIND = 3;

export class Recorder {
  #window = newWindow();
  readonly totals = { ops: new Tally(), errors: new Tally() };
  /** The first few messages of each error kind, for the report. */
  readonly messages = new Map<string, string[]>();

  /** Runs one operation, timing list calls; a failure is recorded and rethrown (it ends the
   * client's scenario, whose cleanup then runs). */
  async op<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      const value = await fn();
      if (kind === 'containers.list') this.#window.listMs.push(performance.now() - t0);
      this.#count(this.#window.ops, this.totals.ops, kind);
      return value;
    } catch (err) {
      this.fail(kind, err);
      throw new Recorded(err);
    }
  }

  fail(kind: string, err: unknown): void {
    const label = `${kind} ${labelOf(err)}`;
    this.#count(this.#window.errors, this.totals.errors, label);
    this.#count(this.#window.ops, this.totals.ops, kind);
    const kept = this.messages.get(label) ?? [];
    if (kept.length < KEEP_PER_KIND) this.messages.set(label, [...kept, messageOf(err)]);
  }

  /** Closes the current window and opens the next. */
  take(): Window {
    const w = this.#window;
    this.#window = newWindow();
    return w;
  }

  #count(window: Tally, total: Tally, key: string): void {
    window.add(key);
    total.add(key);
  }
}

/** An error already recorded: the scenario's caller must not record it again. */
export class Recorded extends Error {
  constructor(cause: unknown) {
    super(messageOf(cause), { cause });
  }
}

function labelOf(err: unknown): string {
  if (err instanceof BerthError) return err.kind;
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `error ${code}` : 'error';
}

const messageOf = (err: unknown): string => ((err as Error)?.message ?? String(err)).slice(0, 300);

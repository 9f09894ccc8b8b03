// A run whose conmon dies without writing the exit file (SIGKILLed by a user or the OOM killer)
// would stay "running" for ever, and a stop, wait or rm -f wait for an end that never comes
// (test-faults' "conmon killed" found exactly that). One timer looks at the conmon of every run
// in progress; one found dead twice in a row (conmon writes the file before it exits, so a
// clean end has its file by then) with no exit file gets the file conmon would have written:
// 137, as its process is SIGKILLed by the `runc delete --force` of the exit's clean-up. The
// usual exit path then records it, cleans up and announces it.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conmon } from '../../runtime/monitor/conmon.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';

const CHECK_MS = 2000;

export interface WatchdogDeps {
  conmon: Conmon;
  /** The conmon of the container's run in progress (0 or undefined: none yet). */
  conmonPid: (id: string) => number | undefined;
  logger?: Logger;
}

export class MonitorWatchdog {
  readonly #d: WatchdogDeps;
  readonly #runs = new Set<string>();
  /** Runs whose conmon was found dead at the last look. */
  readonly #suspects = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(deps: WatchdogDeps) {
    this.#d = deps;
  }

  watch(id: string): void {
    if (this.#closed) return;
    this.#runs.add(id);
    // A look that fails (the store closing under it) is logged and the next one tries again.
    this.#timer ??= setInterval(() => void this.#tick().catch(logFailure(this.#d.logger, 'the monitor watchdog\'s look', { level: 'warn' })), CHECK_MS).unref();
  }

  /** Stops looking for good (daemon shutdown: its store is about to close). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#runs.clear();
    this.#suspects.clear();
  }

  forget(id: string): void {
    this.#runs.delete(id);
    this.#suspects.delete(id);
    if (this.#runs.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  async #tick(): Promise<void> {
    for (const id of this.#runs) {
      const pid = this.#d.conmonPid(id);
      // No pid yet (a start under way, a prepared start): nothing to look at.
      if (!pid || (await this.#d.conmon.isAlive(pid, id))) {
        this.#suspects.delete(id);
        continue;
      }
      if (!this.#suspects.has(id)) {
        this.#suspects.add(id);
        continue;
      }
      const file = join(this.#d.conmon.exitDir, id);
      if (!this.#runs.has(id) || existsSync(file)) continue;
      this.#d.logger?.warn('the container\'s monitor (conmon) died without recording an exit: recorded as killed', { container: id, conmonPid: pid });
      writeFileSync(`${file}.watchdog`, '137');
      renameSync(`${file}.watchdog`, file);
      this.#suspects.delete(id);
    }
  }
}

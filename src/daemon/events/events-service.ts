// Every state change is written to the store's journal before it is told to live listeners,
// so `events --since` sees the same history after a restart that a follower saw live.
import type { EventsTable, StoredEvent } from '../../store/events.ts';

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin' | 'builder';

export type EventListener = (event: StoredEvent) => void;

export class EventsService {
  readonly #table: EventsTable;
  readonly #listeners = new Set<EventListener>();
  #lastNano = 0n;

  constructor(table: EventsTable) {
    this.#table = table;
  }

  emit(type: EventType, action: string, actorId: string, attributes: Record<string, string> = {}): StoredEvent {
    const event = this.#table.append({ timeNano: this.#now(), type, action, actorId, attributes, scope: 'local' });
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  history(sinceNano: bigint, untilNano?: bigint): StoredEvent[] {
    return this.#table.query({ sinceNano, ...(untilNano !== undefined && { untilNano }) });
  }

  /** Strictly increasing timestamps keep `since`/`until` boundaries unambiguous. */
  #now(): bigint {
    const wall = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    this.#lastNano = wall > this.#lastNano ? wall : this.#lastNano + 1n;
    return this.#lastNano;
  }
}

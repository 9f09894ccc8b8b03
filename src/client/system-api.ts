// System operations of the Engine API, typed.
import { readLines } from './read-lines.ts';
import type { ApiClient } from './api-client.ts';
import type { AuthConfig, AuthResponse, EventMessage, InfoResponse, VersionResponse } from './types.ts';

export interface EventsOptions {
  since?: string;
  until?: string;
  filters?: Record<string, string[]>;
  signal?: AbortSignal;
}

export class SystemApi {
  readonly #c: ApiClient;
  constructor(client: ApiClient) {
    this.#c = client;
  }
  version(): Promise<VersionResponse> {
    return this.#c.json('GET', '/version');
  }
  info(): Promise<InfoResponse> {
    return this.#c.json('GET', '/info');
  }
  diskUsage(verbose = false): Promise<Record<string, unknown>> {
    return this.#c.json('GET', '/system/df', { query: { verbose: verbose || undefined } });
  }
  login(auth: AuthConfig): Promise<AuthResponse> {
    return this.#c.json('POST', '/auth', { body: auth });
  }
  /** Events as they come; the iteration ends when the daemon closes the stream (until). */
  async *events(opts: EventsOptions = {}): AsyncGenerator<EventMessage> {
    const filters = opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined;
    const res = await this.#c.request('GET', '/events', { query: { since: opts.since, until: opts.until, filters } });
    opts.signal?.addEventListener('abort', () => res.destroy());
    const lines = readLines(res);
    try {
      for await (const line of lines) if (line.trim()) yield JSON.parse(line.replace(/^\x1e/, '')) as EventMessage;
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    }
  }
}

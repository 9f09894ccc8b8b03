// Container operations of the Engine API, typed (the subset the CLI uses so far).
import { readLines } from './read-lines.ts';
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { ApiClient } from './api-client.ts';
import { decodePathStat, PATH_STAT_HEADER, type PathStat } from '../api/types/path-stat.ts';
import { BerthError, statusOfKind } from '../api/types/errors.ts';
import { versionLessThan } from '../api/types/version.ts';
import type { ContainerCreateRequest } from '../api/types/engine-api.ts';

export interface CreateResponse {
  Id: string;
  Warnings: string[];
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels: Record<string, string>;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  NetworkSettings?: { Networks?: Record<string, unknown> };
  Mounts?: { Name?: string; Source?: string; Driver?: string }[];
  SizeRw?: number;
  SizeRootFs?: number;
}

export interface TopResponse {
  Titles: string[];
  Processes: string[][] | null;
}

/** The parts of a stats object the CLI reads (GET /containers/{id}/stats). */
export interface ContainerStats {
  id?: string;
  name?: string;
  read: string;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: { io_service_bytes_recursive: { major: number; minor: number; op: string; value: number }[] | null };
}

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export class ContainersApi {
  readonly #c: ApiClient;
  constructor(client: ApiClient) {
    this.#c = client;
  }
  async create(body: Record<string, unknown>, name?: string): Promise<CreateResponse> {
    await this.#checkCreate(body);
    return this.#c.json('POST', '/containers/create', { query: { name }, body });
  }
  /** As the docker client: a MAC address per endpoint is API 1.44's; older daemons would drop it. */
  async #checkCreate(body: Record<string, unknown>): Promise<void> {
    const version = await this.#c.negotiate();
    const endpoints = Object.values((body as ContainerCreateRequest).NetworkingConfig?.EndpointsConfig ?? {});
    if (versionLessThan(version, '1.44') && endpoints.some((e) => e?.MacAddress)) {
      throw new Error(`"specify mac-address per network" requires API version 1.44, but the Docker daemon API version is ${version}`);
    }
  }
  async start(id: string): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/start`);
  }
  /** Resolves when the condition is met, with the exit code. */
  async wait(id: string, condition: 'not-running' | 'next-exit' | 'removed', signal?: AbortSignal): Promise<number> {
    const body = await this.#c.json<{ StatusCode: number; Error?: { Message: string } | null }>('POST', `/containers/${encodeURIComponent(id)}/wait`, { query: { condition }, ...(signal && { signal }) });
    if (body.Error?.Message) throw new Error(body.Error.Message);
    return body.StatusCode;
  }
  attach(id: string, opts: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ socket: Duplex; contentType: string }> {
    return this.#c.hijack('POST', `/containers/${encodeURIComponent(id)}/attach`, { query: { stream: true, ...opts } });
  }
  async stop(id: string, timeout?: number, signal?: string): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/stop`, { query: { t: timeout, signal } });
  }
  async kill(id: string, signal?: string): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/kill`, { query: { signal } });
  }
  /** The raw log stream (multiplexed unless the container has a TTY). */
  logs(id: string, opts: { follow?: boolean; tail?: string; since?: string; until?: string; timestamps?: boolean }): Promise<IncomingMessage> {
    return this.#c.request('GET', `/containers/${encodeURIComponent(id)}/logs`, {
      query: { stdout: true, stderr: true, follow: opts.follow || undefined, tail: opts.tail, since: opts.since, until: opts.until, timestamps: opts.timestamps || undefined },
    });
  }
  inspect(id: string): Promise<{ Config: { Tty: boolean } } & Record<string, unknown>> {
    return this.#c.json('GET', `/containers/${encodeURIComponent(id)}/json`);
  }
  list(opts: { all?: boolean; filters?: Record<string, string[]>; limit?: number; size?: boolean } = {}): Promise<ContainerSummary[]> {
    const filters = opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined;
    return this.#c.json('GET', '/containers/json', { query: { all: opts.all || undefined, filters, limit: opts.limit, size: opts.size || undefined } });
  }
  /** docker diff: Kind 0 modified, 1 added, 2 deleted. */
  async changes(id: string): Promise<{ Path: string; Kind: number }[]> {
    return (await this.#c.json<{ Path: string; Kind: number }[] | null>('GET', `/containers/${encodeURIComponent(id)}/changes`)) ?? [];
  }
  /** The container's filesystem as a tar stream. */
  export(id: string): Promise<IncomingMessage> {
    return this.#c.request('GET', `/containers/${encodeURIComponent(id)}/export`);
  }
  async statPath(id: string, path: string): Promise<PathStat> {
    const res = await this.#c.request('HEAD', `/containers/${encodeURIComponent(id)}/archive`, { query: { path } });
    res.resume();
    return decodePathStat(res.headers[PATH_STAT_HEADER.toLowerCase()] as string | undefined);
  }
  async getArchive(id: string, path: string): Promise<{ stat: PathStat; tar: IncomingMessage }> {
    const tar = await this.#c.request('GET', `/containers/${encodeURIComponent(id)}/archive`, { query: { path } });
    return { stat: decodePathStat(tar.headers[PATH_STAT_HEADER.toLowerCase()] as string | undefined), tar };
  }
  async putArchive(id: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    const query = { path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir ? 'true' : undefined, copyUIDGID: opts.copyUIDGID ? 'true' : undefined };
    (await this.#c.request('PUT', `/containers/${encodeURIComponent(id)}/archive`, { query, body: tar, headers: { 'Content-Type': 'application/x-tar' } })).resume();
  }
  commit(id: string, opts: { repo?: string; tag?: string; comment?: string; author?: string; changes?: string[]; pause?: boolean }): Promise<{ Id: string }> {
    const query = { container: id, repo: opts.repo ?? '', tag: opts.tag ?? '', comment: opts.comment ?? '', author: opts.author ?? '', changes: opts.changes, pause: opts.pause === false ? '0' : undefined };
    return this.#c.json('POST', '/commit', { query });
  }
  async remove(id: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await this.#c.whole('DELETE', `/containers/${encodeURIComponent(id)}`, { query: { force: opts.force || undefined, v: opts.volumes || undefined } });
  }
  /** ps_args is sent only when there are arguments, as the docker client does. */
  top(id: string, psArgs: string[] = []): Promise<TopResponse> {
    return this.#c.json('GET', `/containers/${encodeURIComponent(id)}/top`, { query: { ps_args: psArgs.length ? psArgs.join(' ') : undefined } });
  }
  /** Stats objects: one every second while `stream`, else a single one; ends when the daemon closes. */
  async *stats(id: string, opts: { stream: boolean; oneShot?: boolean; signal?: AbortSignal }): AsyncGenerator<ContainerStats> {
    const res = await this.#c.request('GET', `/containers/${encodeURIComponent(id)}/stats`, { query: { stream: opts.stream, 'one-shot': opts.oneShot || undefined } });
    if (opts.signal?.aborted) return void res.destroy();
    opts.signal?.addEventListener('abort', () => res.destroy());
    try {
      for await (const line of readLines(res)) if (line.trim()) yield JSON.parse(line) as ContainerStats;
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    } finally {
      res.destroy();
    }
  }
  // Added for inspect, restart, rename, pause, update, prune, attach and TTY resizing.

  /** POST /containers/create with a name and a platform ("os/arch[/variant]") when given. */
  async createWithOptions(body: Record<string, unknown>, opts: { name?: string | undefined; platform?: string | undefined }): Promise<CreateResponse> {
    await this.#checkCreate(body);
    return this.#c.json('POST', '/containers/create', { query: { name: opts.name || undefined, platform: opts.platform || undefined }, body });
  }
  /** GET /containers/{id}/json as the daemon sent it (with SizeRw and SizeRootFs when asked). */
  inspectRaw(id: string, opts: { size?: boolean } = {}): Promise<ContainerInspect> {
    return this.#c.json('GET', `/containers/${encodeURIComponent(id)}/json`, { query: { size: opts.size || undefined } });
  }
  async restart(id: string, timeout?: number, signal?: string): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/restart`, { query: { t: timeout, signal } });
  }
  async rename(id: string, name: string): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/rename`, { query: { name } });
  }
  async pause(id: string): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/pause`);
  }
  async unpause(id: string): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/unpause`);
  }
  update(id: string, body: Record<string, unknown>): Promise<{ Warnings: string[] | null }> {
    return this.#c.json('POST', `/containers/${encodeURIComponent(id)}/update`, { body });
  }
  /** Filters go in docker's wire form, {"key": {"value": true}}. */
  prune(filters: Record<string, string[]> = {}): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    const keys = Object.keys(filters).sort();
    const wire = Object.fromEntries(keys.map((k) => [k, Object.fromEntries([...filters[k]!].sort().map((v) => [v, true]))]));
    return this.#c.json('POST', '/containers/prune', { query: { filters: keys.length ? JSON.stringify(wire) : undefined } });
  }
  async resize(id: string, height: number, width: number): Promise<void> {
    await this.#c.whole('POST', `/containers/${encodeURIComponent(id)}/resize`, { query: { h: height, w: width } });
  }
  /**
   * POST /containers/{id}/attach with every option docker's client sends. Like docker's client,
   * a refusal is reported by its status alone ("unable to upgrade to tcp, received 404").
   */
  async attachStreams(id: string, opts: AttachOptions): Promise<{ socket: Duplex; contentType: string }> {
    const { detachKeys, ...streams } = opts;
    try {
      return await this.#c.hijack('POST', `/containers/${encodeURIComponent(id)}/attach`, { query: { stream: true, ...streams, detachKeys: detachKeys || undefined } });
    } catch (err) {
      if (err instanceof BerthError) throw new Error(`unable to upgrade to tcp, received ${statusOfKind(err.kind)}`);
      throw err;
    }
  }
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs?: boolean;
  detachKeys?: string;
}

/** GET /containers/{id}/json: kept open, the CLI prints it as the daemon sent it. */
export type ContainerInspect = Record<string, unknown> & {
  Id: string;
  Name: string;
  State: { Running: boolean; Paused: boolean; Restarting: boolean; Status: string; ExitCode: number };
  Config: { Tty: boolean; OpenStdin: boolean } & Record<string, unknown>;
  HostConfig: { AutoRemove?: boolean } & Record<string, unknown>;
  NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null } & Record<string, unknown>;
};

/** Exec instances (docker exec): create in a container, start attached or detached, resize, inspect. */
export class ExecApi {
  readonly #c: ApiClient;
  constructor(client: ApiClient) {
    this.#c = client;
  }
  create(container: string, body: Record<string, unknown>): Promise<{ Id: string }> {
    return this.#c.json('POST', `/containers/${encodeURIComponent(container)}/exec`, { body });
  }
  /** Attached: the hijacked connection carrying the output (and taking stdin). */
  startAttached(id: string, body: { Tty: boolean; ConsoleSize?: [number, number] }): Promise<{ socket: Duplex; contentType: string }> {
    return this.#c.hijack('POST', `/exec/${encodeURIComponent(id)}/start`, { body: { Detach: false, ...body } });
  }
  async startDetached(id: string, body: { Tty: boolean }): Promise<void> {
    await this.#c.whole('POST', `/exec/${encodeURIComponent(id)}/start`, { body: { Detach: true, ...body } });
  }
  async resize(id: string, height: number, width: number): Promise<void> {
    await this.#c.whole('POST', `/exec/${encodeURIComponent(id)}/resize`, { query: { h: height, w: width } });
  }
  inspect(id: string): Promise<{ ExitCode: number | null; Running: boolean; Pid: number }> {
    return this.#c.json('GET', `/exec/${encodeURIComponent(id)}/json`);
  }
}

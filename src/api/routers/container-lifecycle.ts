// Running containers: start, stop, kill, restart, wait, logs and attach.
import type { Duplex, Writable } from 'node:stream';
import type { Route } from '../route.ts';
import type { RequestGuard } from '../../authz/guard.ts';
import type { RequestContext } from '../context.ts';
import { boolParam, intParam } from '../query.ts';
import { parseTimestampNano } from '../timestamps.ts';
import { invalidParameter } from '../types/errors.ts';
import { OutputBatcher, STDERR, STDOUT } from '../types/stdcopy.ts';

export interface LogLine {
  stream: 'stdout' | 'stderr';
  time: string;
  line: Buffer;
}

export interface LogRequest {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  sinceNano?: bigint;
  untilNano?: bigint;
  tail?: number;
  signal: AbortSignal;
}

/** What an attach asks for: the past output (`logs`), the output from now on (`stream`), which
 * of the streams, and stdin. */
export interface AttachRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  stream: boolean;
  detachKeys?: string;
  signal: AbortSignal;
}

export interface LifecycleBackend {
  start(id: string): Promise<void>;
  stop(id: string, opts: { signal?: string; timeout?: number }): Promise<void>;
  kill(id: string, signal?: string): Promise<void>;
  restart(id: string, opts: { signal?: string; timeout?: number }): Promise<void>;
  pause(id: string): Promise<void>;
  /** `guard`: the request's authorization, asked about the limits the container would have. */
  update(id: string, body: Record<string, unknown>, guard?: RequestGuard): Promise<{ Warnings: string[] }>;
  unpause(id: string): Promise<void>;
  /** Throws at once (no such container) before it returns the wait. */
  wait(id: string, condition: string): Promise<{ StatusCode: number; Error: null }>;
  /** Whether the container has a TTY (raw output) and its log lines, in batches. */
  logs(id: string, req: LogRequest): { tty: boolean; lines: AsyncIterable<LogLine[]> };
  /** Output from now on (or also the past with `logs`), and where stdin goes (if asked for). */
  attach(id: string, opts: AttachRequest): Promise<{ tty: boolean; lines: AsyncIterable<LogLine[]>; stdin?: Writable }>;
  /** Resize the container's TTY (rows, columns). */
  resize(id: string, height: number, width: number): Promise<void>;
}

const WAIT_CONDITIONS = ['not-running', 'next-exit', 'removed'];

export function lifecycleRoutes(b: LifecycleBackend): Route[] {
  const stopOpts = (ctx: RequestContext) => {
    const t = intParam(ctx.query, 't');
    // `signal` arrived with API 1.42; dockerd does not look at it below.
    const signal = (ctx.versionAtLeast('1.42') && ctx.query.get('signal')) || undefined;
    return { ...(t !== undefined && { timeout: t }), ...(signal && { signal }) };
  };
  return [
    { method: 'POST', path: '/containers/:id/start', handler: async (ctx) => (refuseStartBody(ctx), await b.start(ctx.params.id!), ctx.sendEmpty(204)) },
    { method: 'POST', path: '/containers/:id/stop', handler: async (ctx) => (await b.stop(ctx.params.id!, stopOpts(ctx)), ctx.sendEmpty(204)) },
    { method: 'POST', path: '/containers/:id/restart', handler: async (ctx) => (await b.restart(ctx.params.id!, stopOpts(ctx)), ctx.sendEmpty(204)) },
    { method: 'POST', path: '/containers/:id/update', handler: async (ctx) => ctx.sendJson(200, await b.update(ctx.params.id!, (await ctx.json<Record<string, unknown>>()) ?? {}, ctx.guard)) },
    { method: 'POST', path: '/containers/:id/pause', handler: async (ctx) => (await b.pause(ctx.params.id!), ctx.sendEmpty(204)) },
    { method: 'POST', path: '/containers/:id/unpause', handler: async (ctx) => (await b.unpause(ctx.params.id!), ctx.sendEmpty(204)) },
    { method: 'POST', path: '/containers/:id/kill', handler: async (ctx) => (await b.kill(ctx.params.id!, ctx.query.get('signal') || undefined), ctx.sendEmpty(204)) },
    { method: 'POST', path: '/containers/:id/wait', handler: (ctx) => wait(ctx, b) },
    { method: 'GET', path: '/containers/:id/logs', handler: (ctx) => logs(ctx, b) },
    { method: 'POST', path: '/containers/:id/attach', hijack: true, handler: (ctx) => attach(ctx, b) },
    { method: 'GET', path: '/containers/:id/attach/ws', hijack: true, handler: (ctx) => attach(ctx, b, true) },
    { method: 'POST', path: '/containers/:id/resize', handler: async (ctx) => (await b.resize(ctx.params.id!, ...ttySize(ctx)), ctx.sendEmpty(200)) },
  ];
}

/** A start's HostConfig body went with API 1.24; dockerd refuses any body longer than `{}` (or
 * of unknown length) rather than ignore settings the client thinks it is making. */
function refuseStartBody(ctx: RequestContext): void {
  const length = ctx.header('content-length');
  const chunked = /chunked/i.test(ctx.header('transfer-encoding') ?? '');
  if (chunked || Number(length ?? 0) > 7) {
    throw invalidParameter('starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24');
  }
}

async function wait(ctx: RequestContext, b: LifecycleBackend): Promise<void> {
  const condition = ctx.query.get('condition') || 'not-running';
  if (!WAIT_CONDITIONS.includes(condition)) throw invalidParameter(`invalid condition: "${condition}"`);
  // An unknown container is a 404 before the 200 goes out (the lookup throws at once).
  const waiting = b.wait(ctx.params.id!, condition);
  const out = ctx.stream(200, 'application/json');
  try {
    out.end(JSON.stringify(await waiting) + '\n');
  } catch (err) {
    out.end(JSON.stringify({ StatusCode: -1, Error: { Message: (err as Error).message } }) + '\n');
  }
}

export function streamType(ctx: RequestContext, tty: boolean): string {
  return !tty && ctx.versionAtLeast('1.42') ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
}

/** Each LogLine becomes one frame (or raw bytes with a TTY). What was gathered goes out before
 * an error from `batches` reaches the caller, which may then write the error after it. */
export async function pump(batches: AsyncIterable<LogLine[]>, out: Writable, tty: boolean, timestamps: boolean): Promise<void> {
  const batch = new OutputBatcher(out, !tty);
  try {
    for await (const lines of batches) {
      for (const l of lines) {
        const data = timestamps ? Buffer.concat([Buffer.from(`${l.time} `), l.line]) : l.line;
        const wait = batch.add(l.stream === 'stderr' ? STDERR : STDOUT, data);
        if (wait) await wait;
      }
    }
  } finally {
    await batch.flush();
  }
}

async function logs(ctx: RequestContext, b: LifecycleBackend): Promise<void> {
  const q = ctx.query;
  const stdout = boolParam(q, 'stdout');
  const stderr = boolParam(q, 'stderr');
  if (!stdout && !stderr) throw invalidParameter('Bad parameters: you must choose at least one stream');
  const tailRaw = q.get('tail');
  const tail = tailRaw === null || tailRaw === '' || tailRaw === 'all' ? undefined : Number(tailRaw);
  if (tail !== undefined && !Number.isInteger(tail)) throw invalidParameter(`invalid value for "tail": ${tailRaw}`);
  const abort = new AbortController();
  const since = parseTimestampNano('since', q.get('since'));
  const until = parseTimestampNano('until', q.get('until'));
  const follow = boolParam(q, 'follow');
  const { tty, lines } = b.logs(ctx.params.id!, {
    follow, stdout, stderr, signal: abort.signal,
    ...(since !== undefined && since > 0n && { sinceNano: since }), ...(until !== undefined && until > 0n && { untilNano: until }),
    ...(tail !== undefined && tail >= 0 && { tail }),
  });
  ctx.onClose(() => abort.abort());
  // Not following: the lines are read at once, and the headers go out with them.
  const out = ctx.stream(200, streamType(ctx, tty), {}, follow);
  await pump(lines, out, tty, boolParam(q, 'timestamps')).catch(() => undefined); // the client left (or a read failed): no status can follow the headers
  out.end();
}

/** `ws`: attach/ws, whose WebSocket carries the output raw (never multiplexed). */
async function attach(ctx: RequestContext, b: LifecycleBackend, ws = false): Promise<void> {
  const q = ctx.query;
  const abort = new AbortController();
  const detachKeys = q.get('detachKeys') || undefined;
  const res = await b.attach(ctx.params.id!, {
    stdin: boolParam(q, 'stdin'), stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'),
    logs: boolParam(q, 'logs'), stream: boolParam(q, 'stream'), signal: abort.signal, ...(detachKeys && { detachKeys }),
  });
  const conn: Duplex = ctx.hijack(streamType(ctx, res.tty));
  conn.on('close', () => abort.abort());
  conn.on('error', () => abort.abort());
  if (res.stdin) conn.pipe(res.stdin);
  else conn.resume();
  await pump(res.lines, conn, res.tty || ws, false).catch(() => undefined); // the client left: the session is over either way
  conn.end();
}

/** `h` and `w` of a resize request: dockerd refuses anything that is not an unsigned number. */
export function ttySize(ctx: RequestContext): [number, number] {
  const dim = (name: string) => {
    const raw = ctx.query.get(name) ?? '';
    if (!/^\d+$/.test(raw) || Number(raw) > 0xffff) throw invalidParameter(`strconv.Atoi: parsing "${raw}": invalid syntax`);
    return Number(raw);
  };
  return [dim('h'), dim('w')];
}

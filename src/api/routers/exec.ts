// Exec instances: create in a running container, start (hijacked unless detached), resize,
// inspect. How an attached start's output is framed follows the start request's `Tty`, not the
// instance's (as dockerd): `Tty: false` (docker-py's default) gets stdcopy frames even from a
// process on a TTY, `Tty: true` the raw stream.
import type { Duplex, Writable } from 'node:stream';
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { invalidParameter } from '../types/errors.ts';
import type { RequestGuard } from '../../authz/guard.ts';
import { checkGoJson, go, goFieldNames } from '../go-decode.ts';
import { framedWriter, STDOUT } from '../types/stdcopy.ts';
import { pump, streamType, ttySize, type LogLine } from './container-lifecycle.ts';

export interface ExecBackend {
  /** `guard`: the request's authorization, asked once the body is parsed. */
  create(containerId: string, body: Record<string, unknown>, guard?: RequestGuard): Promise<{ Id: string }>;
  /** Undefined when detached; otherwise the output from the first byte and where stdin goes. */
  start(id: string, opts: { detach: boolean; tty: boolean; consoleSize?: [number, number]; signal: AbortSignal }): Promise<{ lines: AsyncIterable<LogLine[]>; stdin?: Writable } | undefined>;
  /** Checks an instance exists (before a start hijacks the connection). */
  get(id: string): unknown;
  inspect(id: string): Record<string, unknown>;
  resize(id: string, height: number, width: number): Promise<void>;
}

export function execRoutes(b: ExecBackend): Route[] {
  return [
    { method: 'POST', path: '/containers/:id/exec', handler: async (ctx) => ctx.sendJson(201, await b.create(ctx.params.id!, await body(ctx, CREATE_FIELDS), ctx.guard)) },
    { method: 'POST', path: '/exec/:id/start', hijack: true, handler: (ctx) => start(ctx, b) },
    { method: 'POST', path: '/exec/:id/resize', handler: async (ctx) => (await b.resize(ctx.params.id!, ...ttySize(ctx)), ctx.sendEmpty(200)) },
    { method: 'GET', path: '/exec/:id/json', handler: (ctx) => ctx.sendJson(200, b.inspect(ctx.params.id!)) },
  ];
}

const CREATE_FIELDS = ['User', 'Privileged', 'Tty', 'ConsoleSize', 'AttachStdin', 'AttachStderr', 'AttachStdout', 'Detach', 'DetachKeys', 'Env', 'WorkingDir', 'Cmd'];
const START_FIELDS = ['Detach', 'Tty', 'ConsoleSize'];
/** container.ExecStartOptions as Go decodes it: a `"Detach": "x"` is dockerd's 400. */
const START_TYPE = go.struct('ExecStartOptions', { Detach: go.bool, Tty: go.bool, ConsoleSize: { kind: 'array', name: '[2]uint', elem: go.uint, length: 2 } });

async function body(ctx: RequestContext, fields: readonly string[], goType = 'container.ExecOptions'): Promise<Record<string, unknown>> {
  const v = await ctx.json<unknown>();
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type ${goType}`);
  return goFieldNames(v as Record<string, unknown>, fields);
}

async function start(ctx: RequestContext, b: ExecBackend): Promise<void> {
  const req = await body(ctx, START_FIELDS, 'container.ExecStartOptions');
  checkGoJson(req, START_TYPE);
  const detach = req.Detach === true;
  const tty = req.Tty === true;
  // dockerd takes a start's console size only from API 1.42 on, and only with Tty.
  const size = tty && ctx.versionAtLeast('1.42') && Array.isArray(req.ConsoleSize) && req.ConsoleSize.length === 2 ? (req.ConsoleSize as [number, number]) : undefined;
  b.get(ctx.params.id!);
  const abort = new AbortController();
  const opts = { detach, tty, signal: abort.signal, ...(size && { consoleSize: size }) };
  if (detach) {
    await b.start(ctx.params.id!, opts);
    return ctx.sendEmpty(200);
  }
  // Errors before the process runs are plain HTTP answers; once hijacked, as dockerd, the
  // message goes into the stream (on stdout) and the exit code (126) into the instance.
  const conn: Duplex = ctx.hijack(streamType(ctx, tty));
  conn.on('close', () => abort.abort());
  conn.on('error', () => abort.abort());
  try {
    const res = await b.start(ctx.params.id!, opts);
    if (res?.stdin) conn.pipe(res.stdin);
    else conn.resume();
    if (res) await pump(res.lines, conn, tty, false);
  } catch (err) {
    // Also a detach: dockerd reports it as an error of the session.
    if (!conn.destroyed && conn.writable) (tty ? conn : framedWriter(conn, STDOUT)).write(`${(err as Error).message}\r\n`);
  }
  conn.end();
}

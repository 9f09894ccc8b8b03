// Connection hijacking as attach and exec start will use it: `Upgrade: tcp` in, `101 UPGRADED`
// out, the JSON body in front of the raw stream, then stdin/stdout over the same socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type http from 'node:http';
import { createApiServer } from './server.ts';
import type { Route } from './route.ts';
import { Demuxer, STDERR, STDOUT, framedWriter } from './types/stdcopy.ts';
import { createLogger } from '../lib/logger.ts';
import { ApiClient } from '../client/api-client.ts';
import { until, within } from '../testing/until.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-hijack-'));
const socket = join(dir, 'api.sock');
let server: http.Server;
const connections = new Set<net.Socket>();

// An echo "exec": reads the body's Prefix, then answers each stdin chunk on stdout (framed)
// and says goodbye on stderr when stdin ends.
const echo: Route = {
  method: 'POST',
  path: '/echo/:id/start',
  hijack: true,
  handler: async (ctx) => {
    const body = await ctx.json<{ Prefix: string }>();
    const conn = ctx.hijack('application/vnd.docker.multiplexed-stream');
    const out = framedWriter(conn, STDOUT);
    const err = framedWriter(conn, STDERR);
    conn.on('data', (c: Buffer) => out.write(Buffer.concat([Buffer.from(body?.Prefix ?? ''), c])));
    conn.on('end', () => err.write('bye', () => conn.end()));
  },
};

before(async () => {
  server = createApiServer({ routes: [echo], logger: createLogger('error'), serverHeader: 'berth/test (linux)' });
  server.on('connection', (s: net.Socket) => connections.add(s));
  await new Promise<void>((r) => server.listen(socket, r));
});
after(async () => {
  // Hijacked sockets are no longer the HTTP server's to close: end them here.
  for (const s of connections) s.destroy();
  await within('the server to close', new Promise((r) => server.close(r)));
  rmSync(dir, { recursive: true, force: true });
});

test('the server answers 101 UPGRADED with docker\'s headers', async () => {
  const conn = net.connect(socket);
  const body = '{"Prefix":"> "}';
  conn.write(`POST /v1.56/echo/x/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}hello`);
  let text = '';
  conn.on('data', (c: Buffer) => (text += c.toString('latin1')));
  await until('the handler echoes the stdin sent with the request', () => text.includes('> hello'));
  conn.end();
  await within('the server to close the connection', new Promise((r) => conn.on('close', r)));
  assert.match(text, /^HTTP\/1\.1 101 UPGRADED\r\n/);
  assert.match(text, /\r\nContent-Type: application\/vnd\.docker\.multiplexed-stream\r\n/);
  assert.match(text, /\r\nConnection: Upgrade\r\n/);
  assert.match(text, /\r\nUpgrade: tcp\r\n/);
  assert.match(text, /\r\nApi-Version: 1\.56\r\n/);
  assert.ok(text.includes('> hello'), 'stdin sent with the request reached the handler after the body');
});

test('the client hijacks, writes stdin and demultiplexes the output', async () => {
  const client = new ApiClient({ endpoint: { host: `unix://${socket}` } });
  const { socket: conn, contentType } = await client.hijack('POST', '/echo/x/start', { body: { Prefix: '# ' } });
  assert.equal(contentType, 'application/vnd.docker.multiplexed-stream');
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const demux = new Demuxer({ stdout: { write: (b) => out.push(Buffer.from(b)) }, stderr: { write: (b) => err.push(Buffer.from(b)) } });
  const finished = new Promise((r) => conn.pipe(demux).resume().on('end', r));
  conn.write('one');
  await until('the handler echoes one', () => Buffer.concat(out).toString() === '# one');
  conn.end();
  await within('the stream to end after the half-close', finished);
  assert.equal(Buffer.concat(out).toString(), '# one');
  assert.equal(Buffer.concat(err).toString(), 'bye');
});

test('an error before the hijack is an ordinary JSON answer', async () => {
  const client = new ApiClient({ endpoint: { host: `unix://${socket}` } });
  const bad = client.hijack('POST', '/echo/x/start', { body: Buffer.from('{bad'), headers: { 'Content-Type': 'application/json' } });
  await assert.rejects(bad, (err: Error & { kind?: string }) => err.kind === 'invalid-parameter' && /^invalid JSON: /.test(err.message));
});

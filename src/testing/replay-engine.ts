// A stand-in Engine API on a unix socket that answers from a table of recorded responses (as a
// real dockerd gave them) and records what each client asked. Tests run the docker CLI and berth
// against it with the same table, and compare what they print and what they send: the CLI's
// fidelity is checked without a daemon that implements the endpoints.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Reply {
  status: number;
  /** JSON-encoded unless a string; none for 204. */
  body?: unknown;
}

export interface ReplayedRequest {
  method: string;
  /** Without the /v1.xx prefix, with its query. */
  path: string;
  body: string;
}

/** The table: method and path (no version, no query) to a reply, or undefined for a 404. */
export type Responder = (method: string, path: string, body: string) => Reply | undefined;

export interface ReplayEngine {
  host: string;
  requests: ReplayedRequest[];
  close(): Promise<void>;
}

export async function startReplayEngine(apiVersion: string, respond: Responder): Promise<ReplayEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-replay-'));
  const socket = join(dir, 'engine.sock');
  const requests: ReplayedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    res.setHeader('Api-Version', apiVersion);
    res.setHeader('Ostype', 'linux');
    if (path === '/_ping') {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(req.method === 'HEAD' ? undefined : 'OK');
      return;
    }
    requests.push({ method: req.method ?? '', path: `${path}${url.search}`, body });
    const reply = respond(req.method ?? '', decodeURIComponent(path), body) ?? { status: 404, body: { message: `page not found` } };
    res.statusCode = reply.status;
    if (reply.body === undefined) return void res.end();
    res.setHeader('Content-Type', typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
    res.end(typeof reply.body === 'string' ? reply.body : `${JSON.stringify(reply.body)}\n`);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    host: `unix://${socket}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// A unix-socket proxy in front of a test daemon that records every request a client sends
// (method, path, body), so a test can compare what the docker CLI and berth send for the same
// command. Bytes pass through unchanged; after an upgrade (attach) nothing more is parsed.
import { connect, createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface RecordingProxy {
  host: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(targetSocket: string): Promise<RecordingProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-proxy-'));
  const socket = join(dir, 'proxy.sock');
  const requests: RecordedRequest[] = [];
  // Half-open both ways: docker half-closes an attach connection it sends no input on.
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ path: targetSocket, allowHalfOpen: true });
    let pending = Buffer.alloc(0);
    let upgraded = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (upgraded) return;
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [line = '', ...headerLines] = pending.subarray(0, end).toString('latin1').split('\r\n');
        const headers = Object.fromEntries(headerLines.map((h) => [h.slice(0, h.indexOf(':')).toLowerCase(), h.slice(h.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length'] ?? 0);
        if (pending.length < end + 4 + length) return;
        const [method = '', path = ''] = line.split(' ');
        requests.push({ method, path, headers, body: pending.subarray(end + 4, end + 4 + length).toString('utf8') });
        pending = pending.subarray(end + 4 + length);
        if (headers.upgrade) upgraded = true;
      }
    });
    upstream.pipe(client);
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    host: `unix://${socket}`,
    requests,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// pipe-conn.ts against a real unix socket server: bytes both ways (written before and after the
// connect), the server's end read as 'end' then 'close', a destroy; a socket that is not there
// reported exactly as node:net reports it (the connect is node:net's then); and under
// --pending-deprecation, where process.binding would print a warning, node:net from the start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPipe, type Conn } from './pipe-conn.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-pipe-conn-'));
const sock = join(dir, 's.sock');
/** Echoes each chunk upper-cased; ends its side on "bye". */
const server = net.createServer((c) => {
  c.on('error', () => {});
  c.on('data', (d) => {
    const text = d.toString('latin1');
    if (text.includes('bye')) c.end('BYE');
    else c.write(text.toUpperCase());
  });
});

before(() => new Promise<void>((resolve) => server.listen(sock, resolve)));
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything a connection emits until its 'close'. */
function record(conn: Conn): Promise<string[]> {
  const events: string[] = [];
  return new Promise((resolve) => {
    conn.on('data', (d: Buffer) => events.push(`data:${d.toString('latin1')}`));
    conn.on('end', () => events.push('end'));
    conn.on('error', (e: NodeJS.ErrnoException) => events.push(`error:${e.code}:${e.message}`));
    conn.on('close', () => resolve(events));
  });
}

test('bytes written before the connect and after it, then the server ends: end, close', async () => {
  const conn = connectPipe(sock);
  assert.ok(!(conn instanceof net.Socket), 'the pipe handle, not node:net');
  const events = record(conn);
  conn.write(Buffer.from('hello'));
  await new Promise<void>((resolve) => conn.on('data', () => resolve()));
  conn.write(Buffer.from('bye'));
  assert.deepEqual((await events).join('|').replace(/data:/g, ''), 'HELLO|BYE|end');
});

test('a destroy closes the connection: close, and the server sees it end', async () => {
  const seen = new Promise<void>((resolve) => server.once('connection', (c) => c.on('close', () => resolve())));
  const conn = connectPipe(sock);
  const events = record(conn);
  conn.write(Buffer.from('x'));
  await new Promise<void>((resolve) => conn.on('data', () => resolve()));
  conn.destroy();
  assert.deepEqual(await events, ['data:X']);
  await seen;
});

test('a socket that is not there: the error node:net gives', async () => {
  const missing = join(dir, 'missing.sock');
  const theirs = await record(net.connect(missing));
  const ours = await record(connectPipe(missing));
  assert.deepEqual(ours, theirs);
  assert.match(ours[0] ?? '', /^error:ENOENT:connect ENOENT /);
});

test('under --pending-deprecation: node:net, and no warning', async () => {
  const script = `import(${JSON.stringify(new URL('./pipe-conn.ts', import.meta.url).href.replace(/\.ts$/, '.js'))}).then(({ connectPipe }) => {
    const c = connectPipe(${JSON.stringify(sock)});
    c.on('data', (d) => { process.stdout.write(String(c instanceof require('node:net').Socket) + ' ' + d); c.destroy(); });
    c.write(Buffer.from('ok'));
  });`;
  // Not execFileSync: the server answering the child runs in this process.
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--pending-deprecation', '-e', script], { encoding: 'utf8' });
  assert.equal(stdout, 'true OK');
  assert.equal(stderr, '');
});

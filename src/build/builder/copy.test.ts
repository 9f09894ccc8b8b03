import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build, busyboxHost } from './build.test-helpers.ts';

test('COPY with a wildcard, and a heredoc as the source (its variables expanded)', async () => {
  const host = busyboxHost();
  const df = 'FROM busybox\nENV WHO=world\nCOPY *.txt /out/\nCOPY <<EOF /hello\nhello $WHO\nEOF\nCOPY <<"EOF" /raw\n$WHO\nEOF\n';
  const b = await build(df, { host, files: { 'a.txt': 'A', 'b.txt': 'B', 'c.md': 'C' } });
  assert.equal(b.error, undefined, String(b.error));
  const fs = host.images.get(b.imageId!)!.files;
  assert.deepEqual(['/out/a.txt', '/out/b.txt', '/out/c.md'].map((p) => fs.get(p)?.content), ['A', 'B', undefined]);
  assert.equal(fs.get('/hello')?.content, 'hello world\n');
  assert.equal(fs.get('/raw')?.content, '$WHO\n');
});

test('RUN with a heredoc runs its body as the script', async () => {
  const host = busyboxHost();
  await build('FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\n', { host });
  assert.deepEqual(host.runs[0]!.config.Cmd, ['/bin/sh', '-c', 'echo one\necho two\n']);
});

test('ADD <url>: downloaded from a loopback server into dest, named from the URL', async () => {
  const server = createServer((req, res) => (req.url === '/files/data.txt' ? res.end('downloaded') : res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const host = busyboxHost();
    const b = await build(`FROM busybox\nADD http://127.0.0.1:${port}/files/data.txt /srv/\n`, { host });
    assert.equal(b.error, undefined, String(b.error));
    assert.equal(host.images.get(b.imageId!)!.files.get('/srv/data.txt')?.content, 'downloaded');
    assert.match(host.images.get(b.imageId!)!.createdBy, /^\/bin\/sh -c #\(nop\) ADD file:[0-9a-f]{64} in \/srv\/ $/);
    const missing = await build(`FROM busybox\nADD http://127.0.0.1:${port}/nope /srv/\n`, { host });
    assert.equal((missing.error as { line?: number }).line, 2);
    assert.match((missing.error as Error).message, /404/);
  } finally {
    server.close();
  }
});

test('COPY --from keeps the owners of the stage it copies from; --chown numbers need no lookup', async () => {
  const host = busyboxHost();
  const b = await build('FROM busybox AS a\nCOPY --chown=7:8 f /f\nFROM scratch\nCOPY --from=a /f /g\nCOPY --chown=9 f /h\n', { host, files: { f: 'F' } });
  assert.equal(b.error, undefined, String(b.error));
  const fs = host.images.get(b.imageId!)!.files;
  assert.deepEqual([fs.get('/g')?.uid, fs.get('/g')?.gid], [7, 8]);
  assert.deepEqual([fs.get('/h')?.uid, fs.get('/h')?.gid], [9, 9]);
});

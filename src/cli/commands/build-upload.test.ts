// The upload's progress line and the build query, as the docker CLI 28.2 writes them (both
// compared byte for byte with docker's against a recording server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UploadProgress } from './build-upload.ts';
import { buildArgs } from './build-run.ts';
import { buildQueryParams } from '../../client/build-api.ts';
import { queryString } from '../../client/api-client.ts';

class Sink {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

async function send(chunks: Buffer[], tty: boolean, now: () => number): Promise<{ out: string; sent: number }> {
  const out = new Sink();
  let sent = 0;
  const drain = new Writable({ write: (c: Buffer, _e, cb) => ((sent += c.length), cb()) });
  await pipeline(Readable.from(chunks), new UploadProgress(out, { tty, now }), drain);
  return { out: out.text, sent };
}

test('off a terminal only the last count is written, ended by \\r\\r\\n', async () => {
  const r = await send([Buffer.alloc(2048), Buffer.alloc(1024)], false, () => 0);
  assert.equal(r.out, 'Sending build context to Docker daemon  3.072kB\r\r\n');
  assert.equal(r.sent, 3072);
  const empty = await send([], false, () => 0);
  assert.equal(empty.out, 'Sending build context to Docker daemon \r\n\r\n');
});

test('on a terminal the line is redrawn every 512 kB, at most every 100 ms', async () => {
  let clock = 0;
  const mb = Buffer.alloc(600 * 1024);
  const now = () => (clock += 60);
  const r = await send([mb, mb, mb, mb], true, now);
  // Updates at 614kB (t=60), 1.229MB (t=120: under 100 ms, dropped), 1.843MB (t=180), 2.458MB (t=240: dropped).
  assert.equal(r.out, [
    'Sending build context to Docker daemon  614.4kB\r',
    'Sending build context to Docker daemon  1.843MB\r',
    'Sending build context to Docker daemon  2.458MB\r\r\n',
  ].join(''));
});

test('the query: defaults left out, maps as JSON, lists repeated, names sorted', () => {
  const q = buildQueryParams({
    tags: ['a', 'b:2'], buildArgs: buildArgs(['A=1', 'UNSET']), labels: { l: '1' }, rm: true, forceRm: false,
    networkMode: 'default', cacheFrom: [], extraHosts: ['h:1.2.3.4'], memory: 0, shmSize: 67108864, dockerfile: 'Dockerfile',
  });
  assert.equal(decodeURIComponent(queryString(q)),
    '?buildargs={"A":"1","UNSET":null}&dockerfile=Dockerfile&extrahosts=h:1.2.3.4&labels={"l":"1"}&shmsize=67108864&t=a&t=b:2&version=1');
  assert.equal(queryString(buildQueryParams({ rm: false, networkMode: 'none', quiet: true, noCache: true, platform: 'Linux/AMD64' })),
    '?networkmode=none&nocache=1&platform=linux%2Famd64&q=1&rm=0&version=1');
});

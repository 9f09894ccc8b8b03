import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Demuxer, STDERR, STDOUT, SYSTEMERR, frame, framedWriter } from './stdcopy.ts';
import { within } from '../../testing/until.ts';

function collector() {
  const parts: Buffer[] = [];
  return { write: (b: Buffer) => parts.push(Buffer.from(b)), text: () => Buffer.concat(parts).toString() };
}

test('frames have docker\'s 8-byte header', () => {
  const f = frame(STDERR, Buffer.from('hi'));
  assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 2]);
  assert.equal(f.subarray(8).toString(), 'hi');
});

test('demuxing survives frames split at every byte', async () => {
  const data = Buffer.concat([frame(STDOUT, Buffer.from('out1 ')), frame(STDERR, Buffer.from('err')), frame(STDOUT, Buffer.from('out2'))]);
  const out = collector();
  const err = collector();
  const d = new Demuxer({ stdout: out, stderr: err });
  const src = new PassThrough();
  const done = pipeline(src, d, new PassThrough().resume());
  for (const byte of data) src.write(Buffer.from([byte]));
  src.end();
  await done;
  assert.equal(out.text(), 'out1 out2');
  assert.equal(err.text(), 'err');
});

test('a systemerr frame fails the stream with the daemon message', async () => {
  const d = new Demuxer({ stdout: collector(), stderr: collector() });
  const src = new PassThrough();
  const done = pipeline(src, d, new PassThrough().resume());
  src.end(frame(SYSTEMERR, Buffer.from('container died')));
  await assert.rejects(done, /container died/);
});

test('a truncated frame is an error', async () => {
  const d = new Demuxer({ stdout: collector(), stderr: collector() });
  const src = new PassThrough();
  const done = pipeline(src, d, new PassThrough().resume());
  src.end(frame(STDOUT, Buffer.from('abcdef')).subarray(0, 10));
  await assert.rejects(done, /unexpected EOF/);
});

test('framedWriter splits large writes into frames', async () => {
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on('data', (c: Buffer) => parts.push(c));
  const w = framedWriter(sink, STDOUT);
  await within('the framed writer to finish', new Promise<void>((r) => w.end(Buffer.alloc(100_000, 'x'), () => r())));
  const out = collector();
  const d = new Demuxer({ stdout: out, stderr: collector() });
  d.end(Buffer.concat(parts));
  await within('the demuxer to end', new Promise((r) => d.resume().on('end', r)));
  assert.equal(out.text().length, 100_000);
});

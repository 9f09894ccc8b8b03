// Detach keys: docker's notation, and the input that passes through before the sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EscapeDetector, detachKeyBytes } from './detach-keys.ts';
import { within } from '../../testing/until.ts';

test('term.ToBytes', () => {
  assert.deepEqual([...detachKeyBytes('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...detachKeyBytes('a,ctrl-@,DEL,ctrl-_')], [97, 0, 127, 31]);
  assert.throws(() => detachKeyBytes('ctrl-1'), { message: "Unknown character: 'ctrl-1'" });
});

async function feed(keys: number[], chunks: number[][]): Promise<{ out: number[]; escaped: boolean }> {
  const d = new EscapeDetector(Buffer.from(keys));
  const out: number[] = [];
  d.on('data', (b: Buffer) => out.push(...b));
  const ended = new Promise((resolve) => d.on('end', resolve));
  for (const c of chunks) d.write(Buffer.from(c));
  d.end();
  await within('the detector to end', ended);
  return { out, escaped: d.escaped };
}

test('the escape sequence is held back, and let through when it turns out not to be one', async () => {
  assert.deepEqual(await feed([16, 17], [[1, 2, 16], [17, 3]]), { out: [1, 2], escaped: true });
  assert.deepEqual(await feed([16, 17], [[1, 16], [4, 16, 16, 17]]), { out: [1, 16, 4, 16], escaped: true });
  assert.deepEqual(await feed([16, 17], [[16], [5]]), { out: [16, 5], escaped: false });
});

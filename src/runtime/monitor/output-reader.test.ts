// The output an attached client gets from conmon's log: a read of the process's pipe is one
// piece again (records of one stream and time), partial lines go out as they are, and a replay of
// the past (attach with logs) hands over to the live part without sending a line twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecord, logEntry, type LogEntry, type LogStream } from './k8s-log.ts';
import { readLogBatches } from './log-reader.ts';
import { joinReads, readOutput } from './output-reader.ts';

const T0 = 1_700_000_000_000_000_000n;
let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'berth-output-'))));
after(() => rm(dir, { recursive: true, force: true }));

type Rec = [offsetNs: number, stream: LogStream, text: string, partial?: boolean];
async function logOf(name: string, recs: Rec[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(recs.map(([t, s, text, p]) => formatRecord(T0 + BigInt(t), s, text, p))));
  return path;
}
const pieces = (batches: LogEntry[][]) => batches.flat().map((e) => [e.stream, e.line.toString()]);
async function all(it: AsyncIterable<LogEntry[]>): Promise<LogEntry[][]> {
  const out: LogEntry[][] = [];
  for await (const b of it) out.push(b);
  return out;
}

test('one read of conmon\'s (one time) is one piece; another read or stream starts the next', async () => {
  const path = await logOf('write.log', [[1, 'stdout', 'echo'], [1, 'stdout', 'all'], [1, 'stdout', 'of'], [1, 'stdout', 'me'], [2, 'stderr', 'x'], [2, 'stderr', 'y'], [3, 'stdout', 'z'], [4, 'stdout', 'w']]);
  assert.deepEqual(pieces(await all(readOutput(path))), [['stdout', 'echo\nall\nof\nme\n'], ['stderr', 'x\ny\n'], ['stdout', 'z\n'], ['stdout', 'w\n']]);
});

test('a partial line goes out as it is, joined with what was read with it', async () => {
  const path = await logOf('partial.log', [[1, 'stdout', 'a'], [1, 'stdout', 'prompt> ', true]]);
  assert.deepEqual(pieces(await all(readOutput(path))), [['stdout', 'a\nprompt> ']]);
  assert.deepEqual(pieces(await all(readOutput(path, { stdout: false }))), []);
});

test('joinReads: single entries stay as they are; one read\'s entries become one', () => {
  const one = logEntry('stdout', T0, Buffer.from('x'));
  assert.equal(joinReads([one])[0], one);
  assert.deepEqual(joinReads([]), []);
  const joined = joinReads([one, logEntry('stdout', T0, Buffer.from('y')), logEntry('stdout', T0 + 1n, Buffer.from('z'))]);
  assert.deepEqual(joined.map((e) => [e.timeNs, e.line.toString()]), [[T0, 'xy'], [T0 + 1n, 'z']]);
});

test('a replay up to a time joins lines; the live part from there goes on where it stopped', async () => {
  // "partial" was written before the attach, " rest" after it.
  const path = await logOf('replay.log', [[1, 'stdout', 'a'], [1, 'stderr', 'e'], [5, 'stdout', 'partial', true], [20, 'stdout', ' rest'], [21, 'stdout', 'b']]);
  const cut = T0 + 10n;
  const past = await all(readLogBatches(path, { until: cut, fragments: cut + 1n }));
  assert.deepEqual(pieces(past), [['stdout', 'a\n'], ['stderr', 'e\n'], ['stdout', 'partial']]);
  const live = await all(readOutput(path, { since: cut + 1n }));
  assert.deepEqual(pieces(live), [['stdout', ' rest\n'], ['stdout', 'b\n']]);
  // Without the cut a log reader joins the line whole.
  assert.deepEqual(pieces(await all(readLogBatches(path, {}))).slice(2), [['stdout', 'partial rest\n'], ['stdout', 'b\n']]);
});

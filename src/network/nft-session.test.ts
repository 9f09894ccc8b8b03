// The long-lived nft against the real kernel, on a table of this test's own (removed after).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { requires } from '../testing/requires.ts';
import { NftSession } from './nft-session.ts';
import { mustRun, runTool } from './run-tool.ts';
import { until } from '../testing/until.ts';

const skip = requires('root', 'nft');
const table = `inet berth_t${randomBytes(3).toString('hex')}`;
const session = new NftSession();

after(async () => {
  await runTool('nft', ['delete', 'table', ...table.split(' ')]);
  session.close();
});

const rules = async (chain: string) => (await mustRun('nft', ['list', 'chain', ...table.split(' '), chain])).split('\n').filter((l) => l.includes('counter')).length;

test('a batch is one transaction; a refused one leaves nothing and says why; the session goes on', { skip }, async () => {
  await session.apply([`add table ${table}`, `add chain ${table} c`, `add rule ${table} c counter`]);
  assert.equal(await rules('c'), 1);
  // The second command names a chain that does not exist: the first is not applied either.
  await assert.rejects(session.apply([`add rule ${table} c counter`, `add rule ${table} nochain counter`]), /nft: Error: .*No such file or directory[\s\S]*nochain/);
  assert.equal(await rules('c'), 1);
  // Several at once run in turn, each answered by its own result.
  const results = await Promise.allSettled([
    session.apply([`add rule ${table} c counter`]),
    session.apply([`add rule ${table} c bogus-statement`]),
    session.apply([`add rule ${table} c counter`]),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(await rules('c'), 3);
  await assert.rejects(session.apply([`add rule ${table} c counter\nadd rule ${table} c counter`]), /spans lines/);
  session.close();
  await session.apply([`add rule ${table} c counter`]); // a new nft after close
  assert.equal(await rules('c'), 4);
});

test('an idle nft is ended; the next batch starts another', { skip }, async () => {
  const s = new NftSession('nft', 50);
  try {
    await s.apply(['list tables']);
    const first = s.pid();
    assert.ok(first);
    await until('the idle nft ended', () => s.pid() === undefined);
    await s.apply(['list tables']);
    assert.ok(s.pid() && s.pid() !== first);
  } finally {
    s.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildArgs } from './build-args.ts';

test('a value: --build-arg, else the ARG default, else the meta ARG of that name', () => {
  const args = new BuildArgs({ A: 'opt', N: null });
  args.addMeta('M', 'meta');
  args.addMeta('A', 'meta-a');
  const s = args.stage();
  assert.deepEqual([...s.allowed()], [], 'nothing in scope before the stage declares it');
  s.declare('A', 'dflt');
  s.declare('M', undefined);
  s.declare('N', 'n-default');
  s.declare('U', undefined);
  assert.deepEqual([...s.allowed()], [['A', 'opt'], ['M', 'meta'], ['N', 'n-default']]);
  assert.deepEqual(args.metaEnv(), new Map([['M', 'meta'], ['A', 'opt']]));
});

test('proxies are predefined: in RUN env without an ARG, in history only when declared', () => {
  const args = new BuildArgs({ HTTP_PROXY: 'http://p', no_proxy: 'x', V: '1' });
  const s = args.stage();
  s.declare('V', undefined);
  const env = s.runEnv(['PATH=/bin', 'V=from-env']);
  assert.deepEqual(env, ['HTTP_PROXY=http://p', 'no_proxy=x'], 'ENV wins: V is not added');
  assert.deepEqual(s.historyPrefix(env), ['|0']);
  s.declare('no_proxy', undefined);
  assert.deepEqual(s.historyPrefix(s.runEnv([])), ['|2', 'V=1', 'no_proxy=x']);
  assert.deepEqual(args.unconsumed(), []);
});

test('unconsumed: given, never declared by any stage or meta ARG, not predefined; sorted', () => {
  const args = new BuildArgs({ Z: '1', B: '2', USED: '3', META: '4', FTP_PROXY: 'f' });
  args.addMeta('META', undefined);
  args.stage().declare('USED', undefined);
  assert.deepEqual(args.unconsumed(), ['B', 'Z']);
});

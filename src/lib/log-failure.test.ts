import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './logger.ts';
import { alreadyEnded, alreadyGone, logFailure, orIfMissing } from './log-failure.ts';

const errno = (code: string) => Object.assign(new Error(`${code}: it happened`), { code });
const kind = (k: string) => Object.assign(new Error(`a ${k} error`), { kind: k });

function capture(level: 'debug' | 'info' = 'debug') {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, (s) => lines.push(s)) };
}

test('a failure the caller goes on from is logged at debug with what failed and why, and resolves the value', async () => {
  const { lines, logger } = capture();
  assert.equal(await Promise.reject(new Error('device busy')).catch(logFailure(logger, 'unmount at exit', { fields: { container: 'abc' } })), undefined);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /level=debug msg="unmount at exit failed" container=abc error="device busy"\n$/);
  assert.deepEqual(await Promise.reject(new Error('x')).catch(logFailure(logger, 'runc list', { value: [] as string[], level: 'warn' })), []);
  assert.match(lines[1]!, /level=warn msg="runc list failed" error=x/);
});

test('expected ends stay silent; without a logger nothing is written', async () => {
  const { lines, logger } = capture();
  await Promise.reject(errno('ENOENT')).catch(logFailure(logger, 'cleanup', { expected: alreadyGone }));
  await Promise.reject(kind('conflict')).catch(logFailure(logger, 'kill', { expected: alreadyEnded }));
  await Promise.reject(kind('conflict')).catch(logFailure(logger, 'cleanup', { expected: alreadyGone }));
  assert.equal(lines.length, 1, 'a conflict is not "gone"');
  assert.equal(await Promise.reject(new Error('x')).catch(logFailure(undefined, 'anything')), undefined);
  const quiet = capture('info');
  await Promise.reject(new Error('x')).catch(logFailure(quiet.logger, 'below the level'));
  assert.deepEqual(quiet.lines, []);
});

test('alreadyGone and alreadyEnded', () => {
  for (const e of [errno('ENOENT'), errno('ESRCH'), kind('not-found')]) assert.ok(alreadyGone(e) && alreadyEnded(e));
  assert.ok(!alreadyGone(kind('conflict')) && alreadyEnded(kind('conflict')));
  for (const e of [errno('EBUSY'), errno('EACCES'), kind('system'), new Error('plain'), undefined, 'text']) assert.ok(!alreadyEnded(e));
});

test('orIfMissing: no such file is the value, anything else goes on', async () => {
  assert.deepEqual(await Promise.reject(errno('ENOENT')).catch(orIfMissing([])), []);
  assert.equal(await Promise.reject(errno('ENOTDIR')).catch(orIfMissing(null)), null);
  await assert.rejects(Promise.reject(errno('EIO')).catch(orIfMissing([])), /EIO: it happened/);
});

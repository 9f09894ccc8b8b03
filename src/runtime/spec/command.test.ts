// Entrypoint/Cmd and environment rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeEnv, processEnv, resolveCommand } from './command.ts';

const image = { Entrypoint: ['/entry.sh'], Cmd: ['serve', '--port', '80'] };

test('resolveCommand follows dockerd', () => {
  assert.deepEqual(resolveCommand(image, {}), ['/entry.sh', 'serve', '--port', '80']);
  assert.deepEqual(resolveCommand(image, { Cmd: ['debug'] }), ['/entry.sh', 'debug']);
  // an explicit Entrypoint resets the image's Cmd
  assert.deepEqual(resolveCommand(image, { Entrypoint: ['/bin/sh'] }), ['/bin/sh']);
  assert.deepEqual(resolveCommand(image, { Entrypoint: ['/bin/sh'], Cmd: ['-c', 'id'] }), ['/bin/sh', '-c', 'id']);
  // --entrypoint "" clears the image's entrypoint; an empty list keeps the image Cmd only
  assert.deepEqual(resolveCommand(image, { Entrypoint: [''], Cmd: ['ls'] }), ['ls']);
  assert.deepEqual(resolveCommand(image, { Entrypoint: [] }), ['serve', '--port', '80']);
  assert.deepEqual(resolveCommand({ Cmd: ['sh'] }, { Entrypoint: null, Cmd: null }), ['sh']);
  assert.throws(() => resolveCommand({}, {}), (e: Error & { kind?: string }) => e.kind === 'invalid-parameter' && e.message === 'no command specified');
  assert.throws(() => resolveCommand(image, { Entrypoint: [''] }), /no command specified/);
});

test('env: user wins over image, defaults first, bare names unset', () => {
  assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['B=3', 'C=4']), ['B=3', 'C=4', 'A=1']);
  assert.deepEqual(mergeEnv(['A=1'], []), ['A=1']);
  assert.deepEqual(processEnv(['FOO=bar'], 'h', false), ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=h', 'FOO=bar']);
  assert.deepEqual(processEnv(['PATH=/x', 'TERM=vt100', 'PATH'], 'h', true), ['HOSTNAME=h', 'TERM=vt100']);
});

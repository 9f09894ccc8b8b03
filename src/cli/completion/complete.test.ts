// The candidate logic of `berth __complete`, on the real command modules (loaded as a TAB loads
// them) with names from a table: which words are offered where, which kind of names is asked
// for, and the directive. The names from a real daemon: completion-daemon.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootProgram } from '../root-program.ts';
import type { GlobalOptions } from '../cli-env.ts';
import { COMMAND_INDEX } from '../index/command-index.generated.ts';
import { complete } from './complete.ts';
import { loadCommand } from './run-completion.ts';
import { formatCompletion } from './protocol.ts';
import type { NameSource } from './arg-specs.ts';
import { LOG_DRIVERS } from '../../daemon/containers/log-config.ts';

const NAMES: Partial<Record<NameSource, string[]>> = {
  running: ['web', 'worker'], containers: ['old', 'web', 'worker'], stopped: ['old'], paused: ['frozen'],
  images: ['alpine:3', 'busybox:latest'], networks: ['bridge', 'host', 'none'], volumes: ['data'], contexts: ['default', 'remote'],
};

/** The values offered for `berth <words>`, the directive, and the global flags names were asked with. */
async function offered(...words: string[]): Promise<{ values: string[]; directive: number; asked: NameSource[]; globals?: GlobalOptions }> {
  const asked: NameSource[] = [];
  let globals: GlobalOptions | undefined;
  const result = await complete(rootProgram(), words, {
    command: loadCommand,
    names: async (source, g) => ((globals = g), asked.push(source), NAMES[source] ?? []),
  });
  return { values: result.candidates.map((c) => c.value).sort(), directive: result.directive, asked, ...(globals && { globals }) };
}

test('commands: the top level from the index (hidden ones left out), subcommands by name, by alias when no name fits', async () => {
  assert.deepEqual(await offered('ru'), { values: ['run'], directive: 4, asked: [] });
  const all = (await offered('')).values;
  assert.deepEqual(all, [...COMMAND_INDEX.filter((e) => !e.hidden).map((e) => e.name), 'help'].sort());
  assert.ok(!all.includes('__complete') && !all.includes('completion'), 'hidden commands are not offered');
  assert.deepEqual((await offered('container', 'l')).values, ['logs', 'ls']);
  assert.deepEqual((await offered('container', 'li')).values, ['list']);
  assert.deepEqual((await offered('network', '')).values, ['connect', 'create', 'disconnect', 'inspect', 'ls', 'prune', 'rm']);
  assert.deepEqual((await offered('help', 'rmi')).values, ['rmi']);
  assert.deepEqual((await offered('completion', '')).values, ['bash', 'fish', 'zsh']);
  assert.deepEqual(await offered('nosuch', ''), { values: [], directive: 4, asked: [] });
});

test('flags: long and short by prefix, their values, given ones not again unless they repeat', async () => {
  assert.deepEqual((await offered('run', '--ne')).values, ['--network', '--network-alias']);
  assert.deepEqual((await offered('stop', '-')).values, ['--signal', '--timeout', '-s', '-t']);
  assert.deepEqual((await offered('--con')).values, ['--config', '--context']);
  assert.deepEqual((await offered('rm', '--force', '--f')).values, [], '--force was given');
  assert.ok((await offered('run', '-e', 'A=1', '--en')).values.includes('--env'), '--env collects: it may come again');
  assert.deepEqual((await offered('run', '--restart', 'o')).values, ['on-failure']);
  assert.deepEqual((await offered('run', '--log-driver', '')).values, [...LOG_DRIVERS].sort(), "berthd's log drivers");
  assert.deepEqual((await offered('run', '--restart=unl')).values, ['--restart=unless-stopped']);
  assert.deepEqual((await offered('-l', '')).values, ['debug', 'error', 'fatal', 'info', 'warn'], 'choices of the option itself');
  assert.deepEqual(await offered('run', '--network', ''), { values: ['bridge', 'host', 'none'], directive: 4, asked: ['networks'], globals: {} });
  assert.deepEqual((await offered('run', '--network=h')).values, ['--network=host']);
  assert.deepEqual((await offered('run', '--volumes-from', '')).asked, ['containers']);
  assert.deepEqual(await offered('run', '--env-file', ''), { values: [], directive: 0, asked: [] }, 'a file: the shell completes it');
  assert.equal((await offered('--config', '')).directive, 16, 'a directory');
  assert.deepEqual((await offered('-c', '')).values, ['default', 'remote']);
});

test('operands: the kind of name each command takes, at each position', async () => {
  const kinds: [string[], NameSource[]][] = [
    [['stop', ''], ['running']], [['container', 'stop', ''], ['running']], [['kill', 'web', ''], ['running']],
    [['rm', ''], ['containers']], [['container', 'rm', '-f', ''], ['containers']], [['start', ''], ['stopped']],
    [['unpause', ''], ['paused']], [['exec', '-it', ''], ['running']], [['logs', '--tail', '5', ''], ['containers']],
    [['rmi', ''], ['images']], [['image', 'rm', ''], ['images']], [['run', '--rm', '-it', ''], ['images']],
    [['network', 'rm', ''], ['networks']], [['network', 'connect', 'bridge', ''], ['containers']],
    [['volume', 'rm', ''], ['volumes']], [['context', 'use', ''], ['contexts']],
  ];
  for (const [words, asked] of kinds) assert.deepEqual((await offered(...words)).asked, asked, words.join(' '));
  assert.deepEqual((await offered('stop', 'w')).values, ['web', 'worker']);
  assert.deepEqual((await offered('rmi', 'bu')).values, ['busybox:latest']);
  // After the image comes the container's command: nothing from berth, its flags no berth flags.
  assert.deepEqual(await offered('run', 'busybox', ''), { values: [], directive: 4, asked: [] });
  assert.deepEqual(await offered('run', 'busybox', 'ls', '-'), { values: [], directive: 4, asked: [] });
  assert.deepEqual((await offered('logs', 'web', '')).asked, [], 'logs takes one container');
  assert.deepEqual((await offered('rm', '--', '-')).asked, ['containers'], 'after --, a word with a dash is an operand');
});

test('the global flags before the command choose the daemon the names come from', async () => {
  const r = await offered('-H', 'unix:///run/other.sock', '--tlsverify', 'stop', '');
  assert.deepEqual(r.globals, { host: ['unix:///run/other.sock'], tlsverify: true });
  assert.deepEqual((await offered('--context=remote', 'rmi', '')).globals, { context: 'remote' });
});

test('the response: value, tab, the first line of the description; the directive last', () => {
  const text = formatCompletion({ candidates: [{ value: 'run', description: 'Create and run\nmore' }, { value: 'web' }, { value: 'x', description: 'a\tb' }], directive: 4 });
  assert.equal(text, 'run\tCreate and run\nweb\nx\ta b\n:4\n');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatedIndexSource } from './generated-source.ts';
import { COMMAND_INDEX } from './command-index.generated.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { operandsAfterGlobalFlags, rootProgram } from '../root-program.ts';

test('the committed command index is what the modules register (else: make cli-index)', async () => {
  const committed = readFileSync(fileURLToPath(new URL('./command-index.generated.ts', import.meta.url)).replace('/dist/', '/src/'), 'utf8');
  assert.equal(committed, await generatedIndexSource(), 'src/cli/index/command-index.generated.ts is stale: run make cli-index');
});

test('every top-level command of docker that berth has is in the index, names unique', () => {
  const names = COMMAND_INDEX.flatMap((e) => [e.name, ...e.aliases]);
  assert.equal(new Set(names).size, names.length);
  for (const name of ['run', 'ps', 'version', 'build', 'network', 'volume', 'context', 'system', 'image', 'container']) {
    assert.ok(names.includes(name), name);
  }
});

test('the command word is found after global flags in every spelling', () => {
  const p = rootProgram();
  const cases: [string[], string | undefined][] = [
    [['ps', '-a'], 'ps'],
    [['-H', 'unix:///s', 'ps'], 'ps'],
    [['-Hunix:///s', 'ps'], 'ps'],
    [['--host=unix:///s', 'ps'], 'ps'],
    [['--host', 'unix:///s', '--tls', 'ps'], 'ps'],
    [['-D', '-l', 'debug', 'run', '-it'], 'run'],
    [['-Dl', 'debug', 'images'], 'images'],
    [['--context', 'ctx', '--config', '/tmp/c', 'version'], 'version'],
    [['--debug'], undefined],
    [['--', 'ps'], 'ps'],
  ];
  for (const [argv, word] of cases) assert.equal(operandsAfterGlobalFlags(p, argv)[0], word, argv.join(' '));
});

// The per-command release bundles (scripts/bundle-cli.mjs) and bin/launch.js's choice among
// them, on the bundles `make build` made: every command word has a bundle holding its modules and
// not the others', the launcher reads the word past docker's global flags as main does, anything
// else runs the whole bundle, and a bundle asked for a command it lacks hands the run to the
// whole one with the same output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { COMMAND_INDEX } from './index/command-index.generated.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RELEASE = join(ROOT, 'dist', 'release');
const WHOLE = join(RELEASE, 'berth.js');
const INDEX = join(RELEASE, 'berth-cmd', 'index.json');
const { cliBundle } = createRequire(import.meta.url)(join(ROOT, 'bin', 'launch.js')) as { cliBundle: (file: string, argv: string[]) => string };

function bundles(): { valueFlags: string[]; words: Record<string, string> } {
  assert.ok(existsSync(INDEX), `${INDEX} is missing: the release bundles are not built (make build)`);
  return JSON.parse(readFileSync(INDEX, 'utf8')) as { valueFlags: string[]; words: Record<string, string> };
}

const bundleOf = (...argv: string[]) => cliBundle(WHOLE, argv).replace(`${RELEASE}/`, '');

test('every command word but completion\'s has a bundle of its own modules', () => {
  const { words } = bundles();
  for (const entry of COMMAND_INDEX) {
    for (const word of [entry.name, ...entry.aliases]) {
      if (entry.registrars.includes('completion')) assert.equal(words[word], undefined, word);
      else assert.equal(words[word], `${entry.registrars.join('+')}.js`, word);
    }
  }
  for (const file of new Set(Object.values(words))) assert.ok(existsSync(join(RELEASE, 'berth-cmd', file)), file);
  const ps = readFileSync(join(RELEASE, 'berth-cmd', words.ps!), 'latin1');
  assert.ok(ps.includes('Show all containers (default shows just running)'), 'ps has its own flags');
  assert.ok(!ps.includes("Publish a container's port(s) to the host"), 'and not run\'s flags');
  assert.ok(readFileSync(join(RELEASE, 'berth-cmd', words.run!), 'latin1').includes("Publish a container's port(s) to the host"));
});

test('the launcher finds the word past the global flags, as main does', () => {
  bundles();
  assert.equal(bundleOf('ps', '-a'), 'berth-cmd/ps.js');
  assert.equal(bundleOf('-H', 'unix:///s', '--tlsverify', 'version'), 'berth-cmd/system.js');
  assert.equal(bundleOf('--host=unix:///s', '-D', 'images'), 'berth-cmd/image.js');
  assert.equal(bundleOf('-Dl', 'debug', 'logs', 'x'), 'berth-cmd/control.js');
  assert.equal(bundleOf('-lerror', 'rm', 'x'), 'berth-cmd/rm.js');
  assert.equal(bundleOf('--context', 'ps', 'version'), 'berth-cmd/system.js', 'a flag\'s value is no command');
  assert.equal(bundleOf('help', 'run'), 'berth-cmd/run.js');
  assert.equal(bundleOf('--', 'stop', 'x'), 'berth-cmd/control.js');
  for (const argv of [[], ['--help'], ['-v'], ['help'], ['nosuch'], ['completion', 'bash'], ['__complete', 'ru'], ['-H', 'ps']]) {
    assert.equal(bundleOf(...argv), 'berth.js', argv.join(' '));
  }
});

test('a bundle asked for a command it lacks runs the whole bundle, output and status alike', () => {
  const { words } = bundles();
  const run = (file: string, ...argv: string[]) => spawnSync(process.execPath, ['--', file, ...argv], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/berth.sock' } });
  const ps = join(RELEASE, 'berth-cmd', words.ps!);
  for (const argv of [['completion', 'bash'], ['version', '--format', '{{.Client.APIVersion}}'], ['nosuch']]) {
    const whole = run(WHOLE, ...argv);
    const part = run(ps, ...argv);
    assert.deepEqual({ out: part.stdout, err: part.stderr, status: part.status }, { out: whole.stdout, err: whole.stderr, status: whole.status }, argv.join(' '));
  }
});

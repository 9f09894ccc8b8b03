// bin/cli-code-cache.js with a small CommonJS program in a child node: the first run writes the
// cache at exit, a run with a command word the cache has seen reads it and writes nothing, a new
// word adds itself, a cache V8 refuses is made again, an older bundle's cache is removed, each
// program path and set of node flags keeps its own, and the program's exports, argv and exit
// status are its own throughout — run by the launcher and, wrapped as the bundle is, by node.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('../../bin/cli-code-cache.js', import.meta.url));
const { BUNDLE_HEAD, BUNDLE_TAIL } = createRequire(import.meta.url)(LAUNCHER) as { BUNDLE_HEAD: string; BUNDLE_TAIL: string };
const dir = mkdtempSync(join(tmpdir(), 'berth-cli-cache-'));
const cache = join(dir, 'cache');
const program = join(dir, 'program.js');
after(() => rmSync(dir, { recursive: true, force: true }));

function writeProgram(extra = ''): void {
  const body = `'use strict';\nfunction greet(w) { return 'hello ' + w; }\nprocess.stdout.write(greet(process.argv.slice(2).join(',')) + ' ' + typeof require + ' ${extra}\\n');\nprocess.exitCode = 3;\n`;
  writeFileSync(program, BUNDLE_HEAD + body + BUNDLE_TAIL);
}

/** What bin/berth is to the bundle: a CommonJS launcher file, so argv reads as the CLI's does. */
const launcher = join(dir, 'launch.cjs');
writeFileSync(launcher, `const { statSync } = require('node:fs'); require(${JSON.stringify(LAUNCHER)}).runCliWithCodeCache(${JSON.stringify(program)}, statSync(${JSON.stringify(program)}), ${JSON.stringify(cache)}, process.argv.slice(2));\n`);

function run(...argv: string[]): { out: string; code: number | null } {
  return runWith([], launcher, ...argv);
}

function runWith(nodeFlags: string[], file: string, ...argv: string[]): { out: string; code: number | null } {
  const r = spawnSync(process.execPath, [...nodeFlags, '--', file, ...argv], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  return { out: r.stdout, code: r.status };
}

const cacheFiles = () => readdirSync(cache).filter((f) => f.endsWith('.v8cache')).sort();
const words = () => readFileSync(join(cache, `${cacheFiles()[0]}.words`), 'latin1');

test('the first run writes the cache; a known word reads it, a new word adds itself', () => {
  writeProgram();
  assert.deepEqual(run('ps', '-a'), { out: 'hello ps,-a function \n', code: 3 });
  assert.equal(cacheFiles().length, 1);
  assert.equal(words(), 'ps');
  const made = statSync(join(cache, cacheFiles()[0]!)).mtimeMs;
  assert.deepEqual(run('-q', 'ps'), { out: 'hello -q,ps function \n', code: 3 });
  assert.equal(statSync(join(cache, cacheFiles()[0]!)).mtimeMs, made, 'a word the cache has seen writes nothing');
  run('version');
  assert.equal(words(), 'ps version');
});

test('a cache V8 refuses is made again, and a changed program drops the old one', () => {
  writeFileSync(join(cache, cacheFiles()[0]!), 'not a code cache');
  assert.deepEqual(run('ps'), { out: 'hello ps function \n', code: 3 });
  assert.ok(statSync(join(cache, cacheFiles()[0]!)).size > 100, 'the refused cache was replaced');
  assert.equal(words(), 'ps');
  writeProgram('(changed)');
  assert.deepEqual(run('ps'), { out: 'hello ps function (changed)\n', code: 3 });
  assert.equal(cacheFiles().length, 1, 'the old bundle\'s cache is gone');
  assert.deepEqual(readdirSync(cache).filter((f) => !f.includes('.v8cache')), []);
});

test('each program path and set of node flags keeps a cache of its own', () => {
  writeProgram();
  run('ps');
  const [first] = cacheFiles();
  assert.deepEqual(runWith(['--no-warnings'], launcher, 'ps'), { out: 'hello ps function \n', code: 3 });
  assert.equal(cacheFiles().length, 2, 'other node flags, another cache');
  const other = join(dir, 'other-launch.cjs');
  copyFileSync(program, join(dir, 'other.js'));
  writeFileSync(other, readFileSync(launcher, 'utf8').replaceAll(program, join(dir, 'other.js')));
  assert.deepEqual(run('ps').code, 3);
  runWith([], other, 'ps');
  assert.equal(cacheFiles().length, 3, 'another bundle, another cache');
  assert.ok(cacheFiles().includes(first!), 'neither replaced the first');
});

test('the wrapped program runs as an ordinary CommonJS file too', () => {
  writeProgram('(direct)');
  assert.deepEqual(runWith([], program, 'ps'), { out: 'hello ps function (direct)\n', code: 3 });
});

test('a save drops other bundles\' caches left unwritten for a month, and keeps recent ones', () => {
  const old = join(cache, 'berth.00000000.1-1-v0.0.0.v8cache');
  const recent = join(cache, 'berth.11111111.1-1-v0.0.0.v8cache');
  const daemon = join(cache, 'berthd.22222222.1-1-v0.0.0.v8cache');
  for (const f of [old, recent, daemon]) writeFileSync(f, 'x');
  const monthAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
  utimesSync(old, monthAgo, monthAgo);
  utimesSync(daemon, monthAgo, monthAgo);
  writeProgram('(again)');
  run('ps');
  const left = readdirSync(cache);
  assert.ok(!left.includes('berth.00000000.1-1-v0.0.0.v8cache'), 'the month-old cache is gone');
  assert.ok(left.includes('berth.11111111.1-1-v0.0.0.v8cache') && left.includes('berthd.22222222.1-1-v0.0.0.v8cache'), 'a recent one and berthd\'s stay');
});

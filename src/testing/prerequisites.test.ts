// A machine without conmon must fail `make test`, not pass it with skips. Simulated by hiding
// conmon from PATH (a directory of links to everything else on PATH): the preflight of
// scripts/test fails with conmon named and runs no test; a test file that needs conmon fails by
// name unless skips were asked for; berthd itself, with the same PATH, cannot start a container.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './run.ts';
import { onPath } from './prerequisites.ts';
import { requires, RUNS_CONTAINERS } from './requires.ts';
import { useBusyboxDaemon } from './busybox-daemon.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONMON_TEST = fileURLToPath(new URL('../runtime/monitor/conmon.test.js', import.meta.url));

/** PATH as it is, minus `hidden`: one directory of links to the first of every other name. */
function pathWithout(hidden: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-path-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const linked = new Set<string>([hidden]);
  // scripts/test puts /usr/local/bin first: it must not bring the hidden program back either.
  for (const from of ['/usr/local/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    let names: string[];
    try {
      names = readdirSync(from);
    } catch {
      continue; // a PATH entry that does not exist
    }
    for (const name of names.filter((n) => !linked.has(n))) {
      linked.add(name);
      symlinkSync(join(from, name), join(dir, name));
    }
  }
  assert.ok(!onPath(hidden, dir) && onPath('node', dir) && onPath('runc', dir), `${hidden} hidden, the rest still there`);
  return dir;
}

const noConmon = pathWithout('conmon');
// NODE_TEST_CONTEXT stays for scripts/test (were its preflight to let it through, node --test
// would refuse to run the suite inside this one) and goes for the one file run below.
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: noConmon, BERTH_TEST_ALLOW_SKIP: '', ...extra });

test('scripts/test: the preflight fails with conmon named, before any test runs', async () => {
  const r = await run(join(ROOT, 'scripts/test'), [], { env: env(), timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: this machine lacks what the tests need:\n {2}- conmon \(`conmon` on PATH\): scripts\/setup installs it \(Debian package conmon\)\nInstall them \(scripts\/setup\)/);
  assert.doesNotMatch(r.stderr, /- (?!conmon)/, 'only conmon is missing');
  assert.doesNotMatch(r.stdout, /ℹ tests|^ok /m, 'no test ran');

  const allowed = await run(join(ROOT, 'scripts/test'), ['--preflight'], { env: env({ BERTH_TEST_ALLOW_SKIP: '1' }) });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stderr, /^warning: this machine lacks .*\n {2}- conmon /);
});

test('a test file that needs conmon fails by name; with BERTH_TEST_ALLOW_SKIP=1 it skips instead', async () => {
  const r = await run(process.execPath, ['--test', '--test-reporter=tap', CONMON_TEST], { env: env({ NODE_TEST_CONTEXT: undefined }), timeoutMs: 120_000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^not ok 1 - missing prerequisite: conmon$/m);
  assert.match(r.stdout, /conmon \(`conmon` on PATH\): scripts\/setup installs it/);
  assert.match(r.stdout, /^# pass 0$/m);
  assert.match(r.stdout, /# SKIP not run: conmon missing \(the test 'missing prerequisite: conmon' fails for it\)/);

  const allowed = await run(process.execPath, ['--test', '--test-reporter=tap', CONMON_TEST], { env: env({ BERTH_TEST_ALLOW_SKIP: '1', NODE_TEST_CONTEXT: undefined }), timeoutMs: 120_000 });
  assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  assert.match(allowed.stdout, /^# fail 0$/m);
  assert.match(allowed.stdout, /# SKIP needs conmon, which this machine lacks \(skipped: BERTH_TEST_ALLOW_SKIP=1\)/);
  assert.doesNotMatch(allowed.stdout, /^ok \d+ - (?!.*# SKIP)/m, 'every test of the file skipped');
});

// berthd finds conmon on PATH (not at a fixed place), so the hiding above is what a machine
// without conmon looks like to the daemon too.
const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip, harness: { env: { PATH: noConmon } } });

test('berthd without conmon on PATH: a start fails and says conmon', { skip }, async () => {
  const r = await f.docker(['run', '--rm', 'busybox', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /conmon exited with 127: .*\n?exec conmon: No such file or directory/, r.stderr);
});

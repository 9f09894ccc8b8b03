// OCI runtimes as dockerd offers them, through the real docker CLI: HostConfig.Runtime, daemon.json
// `runtimes` and --add-runtime, `docker run --runtime`, dockerd's texts for an unknown runtime and
// for a bad configuration, crun where this host cannot run it, and a container that keeps the
// runtime it was started with when the configuration changes and across a daemon restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berth } from '../testing/run.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { onPath } from '../testing/prerequisites.ts';
import { Berthd } from '../testing/berthd-harness.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({
  skip,
  harness: { args: ['--add-runtime', 'oci=runc'], daemonJson: { runtimes: { alt: { path: 'runc', runtimeArgs: ['--criu', '/nonexistent/criu'] } } } },
});
const docker = f.docker;
const crunInstalled = onPath('crun');

/** The argv of the conmon monitoring container `id`. */
function conmonArgv(id: string): string[] {
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('conmon') && argv.includes(id) && !argv.includes('--exec')) return argv;
    } catch {
      // exited while we looked
    }
  }
  return [];
}

/** The state directories of the runtime named `name` (other than the built-in runc's). */
function stateDirs(name: string): string[] {
  const parent = join(f.d.dir, 'exec', 'runtimes');
  return existsSync(parent) ? readdirSync(parent).filter((d) => d.startsWith(`${name}.`)).map((d) => join(parent, d)) : [];
}

async function info(): Promise<{ Runtimes: Record<string, { path: string; runtimeArgs?: string[]; status?: Record<string, string> }>; DefaultRuntime: string }> {
  const r = await docker(['info', '--format', '{{json .}}']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as never;
}

test('HostConfig.Runtime is the default runtime, runc; info lists the built-in and configured runtimes', { skip }, async () => {
  assert.equal((await docker(['create', '--name', 'plain', 'busybox', 'true'])).code, 0);
  assert.deepEqual(await docker(['inspect', '-f', '{{.HostConfig.Runtime}}', 'plain']), { code: 0, stdout: 'runc\n', stderr: '' });
  const i = await info();
  assert.equal(i.DefaultRuntime, 'runc');
  assert.deepEqual(i.Runtimes.runc, { path: 'runc' });
  assert.deepEqual(i.Runtimes.oci, { path: 'runc' });
  assert.deepEqual(i.Runtimes.alt, { path: 'runc', runtimeArgs: ['--criu', '/nonexistent/criu'] });
  assert.equal(Object.hasOwn(i.Runtimes, 'crun'), crunInstalled, 'crun is offered where it is installed');
  assert.equal((await docker(['rm', 'plain'])).code, 0);
});

test('a configured runtime runs the container with its arguments, in a state directory of its own', { skip }, async () => {
  assert.deepEqual(await docker(['run', '--rm', '--runtime', 'oci', 'busybox', 'echo', 'hi']), { code: 0, stdout: 'hi\n', stderr: '' });
  const id = (await docker(['run', '-d', '--name', 'alt', '--runtime', 'alt', 'busybox', 'sleep', '1000'])).stdout.trim();
  assert.equal((await docker(['inspect', '-f', '{{.HostConfig.Runtime}}', 'alt'])).stdout, 'alt\n');
  const argv = conmonArgv(id);
  assert.equal(argv[argv.indexOf('-r') + 1], '/usr/sbin/runc');
  assert.ok(argv.join(' ').includes('--runtime-arg --criu --runtime-arg /nonexistent/criu'), `conmon passes runtimeArgs on: ${argv.join(' ')}`);
  const [dir, ...more] = stateDirs('alt');
  assert.ok(dir && more.length === 0, 'one state directory for alt');
  assert.ok(existsSync(join(dir, id, 'state.json')), 'its runc state is there, not in the built-in runc\'s');
  assert.ok(!existsSync(join(f.d.dir, 'exec', 'runc', id)));
  assert.deepEqual(await docker(['exec', 'alt', 'echo', 'exec ok']), { code: 0, stdout: 'exec ok\n', stderr: '' });
  assert.equal((await docker(['pause', 'alt'])).code, 0);
  assert.equal((await docker(['unpause', 'alt'])).code, 0);
  assert.equal((await docker(['update', '--memory', '64m', 'alt'])).code, 0);
  assert.equal((await docker(['stop', '-t', '1', 'alt'])).code, 0);
  assert.ok(!existsSync(join(dir, id)), 'its state is deleted after the exit');
  assert.equal((await docker(['rm', 'alt'])).code, 0);
});

test('an unknown runtime is refused at create with dockerd\'s text, and nothing is created', { skip }, async () => {
  const before = (await docker(['ps', '-aq'])).stdout;
  const cli = await docker(['create', '--runtime', 'nope', 'busybox', 'true']);
  assert.equal(cli.code, 1); // docker create's code for a daemon error (run's is 125)
  assert.match(cli.stderr, /^Error response from daemon: Unknown runtime specified nope$/m);
  const api = f.d.client().api;
  await assert.rejects(api.request('POST', '/containers/create', { body: { Image: 'busybox', HostConfig: { Runtime: 'nope' } } }), {
    kind: 'invalid-parameter', message: 'Unknown runtime specified nope',
  });
  await assert.rejects(api.request('POST', '/containers/create', { body: { Image: 'busybox', Cmd: ['true'], HostConfig: { Runtime: 5 } } }), {
    kind: 'invalid-parameter', message: 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.Runtime of type string', // dockerd's text, a 400
  });
  assert.equal((await docker(['ps', '-aq'])).stdout, before);
});

/** What crun finds on this host (as it looks, libcrun/cgroup-utils.c): hybrid with v2 controllers. */
function hybridWithControllers(): boolean {
  try {
    const tmpfs = statfsSync('/sys/fs/cgroup').type === 0x01021994 && statfsSync('/sys/fs/cgroup/unified').type === 0x63677270;
    return tmpfs && readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

test('crun on a hybrid cgroup host: info says why it is unavailable, and a run asking for it is refused', { skip: skip || requires('crun') || (!hybridWithControllers() ? 'host kind: not a hybrid cgroup host that crun refuses' : false) }, async () => {
  const crun = (await info()).Runtimes.crun!;
  assert.match(crun.status?.['berth.unavailable'] ?? '', /^crun cannot run containers on this host: cgroups in hybrid mode not supported \(.*controllers: .+\); use runc/);
  const before = (await docker(['ps', '-aq'])).stdout;
  const r = await docker(['run', '--rm', '--runtime', 'crun', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /Error response from daemon: runtime "crun": crun cannot run containers on this host: cgroups in hybrid mode not supported/);
  assert.equal((await docker(['ps', '-aq'])).stdout, before);
  const warnings = await docker(['info']);
  assert.match(warnings.stderr, /WARNING: runtime "crun" cannot be used: crun cannot run containers/);
  // Before API 1.44 a runtime has no status.
  const old = await f.d.client('1.43').api.json<{ Runtimes: Record<string, unknown> }>('GET', '/info');
  assert.deepEqual(old.Runtimes.crun, { path: 'crun' });
});

test('the berth CLI passes --runtime on run and create', { skip }, async () => {
  const env = f.env();
  assert.deepEqual(await berth(['run', '--rm', '--runtime', 'oci', 'busybox', 'echo', 'via berth'], { env }), { code: 0, stdout: 'via berth\n', stderr: '' });
  assert.equal((await berth(['create', '--runtime', 'oci', '--name', 'bc', 'busybox', 'true'], { env })).code, 0);
  assert.equal((await berth(['inspect', '-f', '{{.HostConfig.Runtime}}', 'bc'], { env })).stdout, 'oci\n');
  const r = await berth(['create', '--runtime', 'nope', 'busybox', 'true'], { env });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Unknown runtime specified nope/);
  assert.equal((await docker(['rm', 'bc'])).code, 0);
});

test('a container keeps its runtime when the configuration drops it, and across a restart', { skip }, async () => {
  const id = (await docker(['run', '-d', '--name', 'keep', '--runtime', 'alt', 'busybox', 'sleep', '1000'])).stdout.trim();
  assert.equal((await docker(['create', '--name', 'later', '--runtime', 'alt', 'busybox', 'true'])).code, 0);
  writeFileSync(f.d.configFile, JSON.stringify({ runtimes: {} }));
  const logged = f.d.log.length;
  process.kill(f.d.pid!, 'SIGHUP');
  await until('berthd reloaded its configuration', () => f.d.log.slice(logged).includes('Reloaded configuration'));
  assert.equal(Object.hasOwn((await info()).Runtimes, 'alt'), false);
  assert.equal(Object.hasOwn((await info()).Runtimes, 'oci'), true, 'a flag\'s runtime stays');
  // As dockerd: the container names a runtime that is no longer there.
  const start = await docker(['start', 'later']);
  assert.match(start.stderr, /Error response from daemon: Unknown runtime specified alt/);
  assert.deepEqual(await docker(['exec', 'keep', 'echo', 'still here']), { code: 0, stdout: 'still here\n', stderr: '' });
  // live-restore: the next daemon finds what ran it in the container's bundle.
  await f.d.stop();
  f.d = await new Berthd({ dir: f.d.dir, args: ['--add-runtime', 'oci=runc'] }).start();
  assert.deepEqual(await docker(['exec', 'keep', 'echo', 'after restart']), { code: 0, stdout: 'after restart\n', stderr: '' });
  assert.ok(conmonArgv(id).join(' ').includes('--runtime-arg --criu --runtime-arg /nonexistent/criu'));
  assert.equal((await docker(['stop', '-t', '1', 'keep'])).code, 0);
  assert.equal((await docker(['inspect', '-f', '{{.State.Status}}', 'keep'])).stdout, 'exited\n');
  assert.deepEqual(stateDirs('alt').flatMap((d) => readdirSync(d)), ['runtime.json'], 'its runtime state is gone after the exit');
  assert.equal((await docker(['rm', 'keep', 'later'])).code, 0);
});

test('bad runtime configuration stops berthd with dockerd\'s texts', { skip }, () => {
  const d = new Berthd({ daemonJson: { runtimes: { vm: { path: '/opt/vm' } } } });
  try {
    const check = (...extra: string[]) => {
      const r = spawnSync(process.execPath, d.argv([...extra, '--validate']), { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stdout);
      return r.stderr.trim();
    };
    assert.equal(check('--add-runtime', 'runc=/usr/bin/crun'), 'berthd: invalid argument "runc=/usr/bin/crun" for "--add-runtime" flag: runtime name \'runc\' is reserved');
    assert.equal(check('--add-runtime', 'x=a', '--add-runtime', 'x=b'), 'berthd: invalid argument "x=b" for "--add-runtime" flag: runtime \'x\' was already defined');
    assert.match(check('--default-runtime', 'nope'), /^berthd: specified default runtime 'nope' does not exist \(runtimes: runc, (crun, )?vm\)$/);
    assert.match(check('--add-runtime', 'vm=/usr/bin/vm'), /^berthd: the following directives are specified both as a flag and in the configuration file: runtimes\.vm: \(from flag: map\[path:\/usr\/bin\/vm\], from file: map\[path:\/opt\/vm\]\) at line 2 of /);
    writeFileSync(d.configFile, '{"runtimes": {"runc": {"path": "/usr/bin/crun"}}}');
    assert.equal(check(), `berthd: invalid value for "runtimes.runc" at line 1 of ${d.configFile}: runtime name 'runc' is reserved`);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

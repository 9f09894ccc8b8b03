// berth create/run against the real docker CLI 28.2 on the same berthd: the create request bodies
// must be the ones docker sends, and refused flags must read and exit as docker's do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { importImage } from '../../testing/api.ts';
import { startRecordingProxy, type RecordingProxy } from '../../testing/recording-proxy.ts';
import { berth, run, type RunResult } from '../../testing/run.ts';
import { startRegistry } from '../../testing/registry.ts';
import { requires } from '../../testing/requires.ts';

const skip = requires('docker');
let d: Berthd;
let proxy: RecordingProxy;
let work: string;

before(async () => {
  d = await startBerthd();
  await importImage(d.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest' });
  proxy = await startRecordingProxy(d.socket);
  work = mkdtempSync(join(tmpdir(), 'berth-create-test-'));
  writeFileSync(join(work, 'env.list'), 'A=1\n# comment\n  B=two words \nHOME\nNOT_SET_ANYWHERE\n');
  writeFileSync(join(work, 'labels'), 'from-file=1\n');
  writeFileSync(join(work, 'seccomp.json'), '{ "defaultAction": "SCMP_ACT_ALLOW" }\n');
});
after(async () => {
  // A container that removes itself (--rm) may be gone by now; the daemon must stop either way.
  try {
    for (const c of (await d?.client().containers.list({ all: true })) ?? []) await d.client().containers.remove(c.Id, { force: true }).catch(() => undefined);
  } finally {
    await proxy?.close();
    await d?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  }
});

const env = () => ({ DOCKER_HOST: proxy.host, DOCKER_CONFIG: join(d.dir, 'client') });
const docker = (args: string[]): Promise<RunResult> => run('docker', args, { env: env() });
const cli = (args: string[]): Promise<RunResult> => berth(args, { env: env() });

/** The create request a command sent: its query and its body, with docker's map-ordered lists sorted. */
async function createRequest(send: () => Promise<RunResult>): Promise<{ query: string; body: Record<string, any> }> {
  const from = proxy.requests.length;
  const result = await send();
  const req = proxy.requests.slice(from).find((r) => /\/containers\/create/.test(r.path));
  assert.ok(req, `no create request: ${result.stderr}`);
  const body = JSON.parse(req.body) as Record<string, any>;
  // docker builds Env and Binds from Go maps: their order changes from run to run.
  body.Env?.sort();
  body.HostConfig.Binds?.sort();
  return { query: req.path.replace(/^\/v[\d.]+/, ''), body };
}

const CASES: string[][] = [
  ['busybox', 'true'],
  ['--name', 'all-the-flags', '-e', 'X=1', '-e', 'HOME', '-e', 'X=2', '--env-file', '@/env.list', '-l', 'a=b', '--label-file', '@/labels',
    '--restart', 'on-failure:3', '--cap-add', 'net_admin', '--cap-drop', 'ALL', '--cap-add', 'SYS_TIME', '-m', '64m', '--memory-swap', '128m',
    '--cpus', '1.5', '--cpu-shares', '512', '--cpuset-cpus', '0', '--pids-limit', '50', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=10',
    '--health-cmd', 'true', '--health-interval', '5s', '--health-timeout', '1m30s', '--health-retries', '3', '--health-start-period', '1.5s',
    '--stop-signal', 'SIGINT', '--stop-timeout', '7', '--log-driver', 'json-file', '--log-opt', 'max-size=1m', '--read-only', '--hostname', 'hh',
    '--runtime', 'runc', '--shm-size', '1g', '--sysctl', 'net.ipv4.ip_forward=1', '--device', '/dev/null:/dev/xnull:rw', '--oom-score-adj', '100',
    '--tmpfs', '/run:rw,size=1m', '--tmpfs', '/tmp2', '--network', 'none', '-p', '8080:80', '-p', '127.0.0.1:53:53/udp', '-p', '9000-9001:9000-9001',
    '--expose', '7000', '-w', '/tmp', '-u', 'nobody', '--entrypoint', 'sh', '--init', '-i', '-t', '-a', 'stdout', 'busybox', '-c', 'echo hi'],
  ['--rm', '--entrypoint', '', '--network', 'name=mynet,ip=10.0.0.2,driver-opt=a=b', '--network-alias', 'y', '-v', '/tmp:/data:ro', '-v', './rel:/rel',
    '-v', '/anon', '-v', 'named:/named', '--security-opt', 'no-new-privileges', '--security-opt', 'seccomp=@/seccomp.json',
    '--security-opt', 'systempaths=unconfined', '--device', 'vendor.com/gpu=all', '--dns', '1.1.1.1', '--dns-search', 'example.com',
    '--dns-option', 'ndots:2', '--add-host', 'h:1.2.3.4', '--add-host', 'h2=::1', '--mac-address', '92:d0:c6:0a:29:33', '--no-healthcheck',
    '--group-add', '10', '--pid', 'host', '--ipc', 'host', '--userns', 'host', '--cgroupns', 'private', '--uts', 'host', '--annotation', 'a=b',
    '--storage-opt', 'size=1G', '--memory-swappiness', '10', '--oom-kill-disable', '--cpu-period', '100000', '--cpu-quota', '50000',
    '--blkio-weight', '300', '--memory-reservation', '10m', '--device-cgroup-rule', 'c 1:3 rwm', '--domainname', 'dd', '--cgroup-parent', '/x',
    '--volumes-from', 'abc', '--publish-all', '--isolation', 'default', '--volume-driver', 'local', 'busybox', 'true'],
  ['-p', 'published=8080,target=80', '-p', '1.2.3.4::90/sctp', '--network', 'mynet', '--link', 'a:b', '--network-alias', 'z', 'busybox', 'true'],
  ['-a', 'stdin', '-a', 'stderr', '-i', '--init=false', '--rm=false', '--privileged=true', '--network', 'host', '--network', 'none', 'busybox', 'true'],
  ['--mount', 'type=bind,src=@/,dst=/w,ro,bind-propagation=rslave', '--mount', 'type=volume,src=mv,dst=/v,volume-nocopy,volume-label=a=b,volume-opt=type=tmpfs,volume-opt=device=tmpfs',
    '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1777', '--mount', 'dst=/anonvol,readonly=true', '--mount', '"type=bind","src=@/","dst=/q"', 'busybox', 'true'],
  ['--mount', 'type=bind,src=/tmp,dst=/b,ro,bind-propagation=rslave', '--mount', 'type=volume,src=vol1,target=/v,volume-nocopy,volume-opt=o=bind,volume-label=l=1',
    '--mount', 'type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1777', '--mount', 'target=/anon2', '--network', 'mynet', '--ip6', 'fd00::9',
    '--link-local-ip', '169.254.1.1', 'busybox', 'true'],
  ['--health-retries', '2', '--platform', 'linux/amd64', '--pull', 'never', '--stop-timeout', '0', '--memory-swap', '-1', '-m', '1g', 'busybox', 'true'],
];

test('berth create sends the create request docker 28.2 sends', { skip }, async () => {
  for (const args of CASES) {
    // `@/` stands for the test's directory, where the env, label and seccomp files are.
    const inWork = (send: (a: string[]) => Promise<RunResult>) => () => send(['create', ...args.map((a) => a.replace('@/', `${work}/`))]);
    const theirs = await createRequest(inWork(docker));
    // Relative bind sources are made absolute against the client's directory: both ran in the same one.
    if (args[0] === '--name') await docker(['rm', 'all-the-flags']);
    const ours = await createRequest(inWork(cli));
    assert.deepEqual(ours, theirs, `create ${args.join(' ')}`);
  }
});

test('refused flags read and exit as docker', { skip }, async () => {
  const cases = [
    ['run', '-m', 'foo', 'busybox'], ['run', '--cpus', '0.0000000001', 'busybox'], ['run', '--ulimit', 'nofile=2:1', 'busybox'],
    ['run', '--restart', 'always', '--rm', 'busybox'], ['run', '--health-interval', '5', 'busybox'], ['run', '-p', '99999', 'busybox'],
    ['run', '--pids-limit', 'x', 'busybox'], ['run', '--sysctl', 'kernel.foo=1', 'busybox'], ['run', '-a', 'foo', 'busybox'],
    ['run', '-e', '=x', 'busybox'], ['run', '--env-file', '/nonexistent', 'busybox'], ['run', '--pid', 'foo', 'busybox'],
    ['run', '--restart', 'on-failure:x', 'busybox'], ['run', '--no-healthcheck', '--health-cmd', 'x', 'busybox'],
    ['run', '--mac-address', 'zz', 'busybox'], ['run', '--device', 'relative', 'busybox'], ['run', '--security-opt', 'foo', 'busybox'],
    ['run', '--pull', 'bad', 'busybox'], ['run', '-d', '-a', 'stdout', 'busybox'], ['run', '--rm=maybe', 'busybox'], ['create'], ['run'],
    ['run', '--network', 'name=', 'busybox'], ['run', '--add-host', 'bad', 'busybox'], ['run', '-it', 'busybox', 'true'],
    ['run', '--rm', '--pull', 'never', 'nope', 'true'], ['create', '--pull', 'never', 'nope'], ['run', '--network', 'host', '--network-alias', 'x', 'busybox'],
    ['run', '--mount', 'type=bind', 'busybox'], ['run', '--mount', 'foo', 'busybox'], ['run', '--mount', 'type=tmpfs,dst=/x,volume-nocopy', 'busybox'],
    ['run', '--mount', 'dst=/x,tmpfs-size=1m', 'busybox'], ['run', '--mount', 'type=tmpfs,dst=/x,tmpfs-size=x', 'busybox'], ['run', '--mount', 'dst=/x,bogus=1', 'busybox'],
    ['run', '--mount', 'dst=/x,ro=maybe', 'busybox'],
    ['run', '--mount', 'type=bind,src=/tmp', 'busybox'], ['run', '--mount', 'type=volume,target=/x,bind-propagation=shared', 'busybox'],
    ['run', '--nope', 'busybox'], ['run', '-x', 'busybox'], ['run', '--name'], ['container', 'stop', '--nope', 'x'], ['inspect', '--bad', 'x'],
    // The daemon refuses the start: 127 for a missing command, and berth must not hang on the attach it had open.
    ['run', '--rm', 'busybox', 'no-such-command'], ['run', '-i', 'busybox', '--no-such-flag'],
  ];
  for (const args of cases) {
    const [theirs, ours] = [await docker(args), await cli(args)];
    assert.deepEqual([ours.code, ours.stdout, ours.stderr], [theirs.code, theirs.stdout, theirs.stderr.replaceAll('docker', 'berth')], args.join(' '));
  }
});

test('--cidfile gets the id; an existing file is refused', async () => {
  const file = join(work, 'cid');
  const created = await cli(['create', '--cidfile', file, 'busybox', 'true']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(readFileSync(file, 'utf8'), created.stdout.trim());
  const again = await cli(['create', '--cidfile', file, 'busybox', 'true']);
  assert.deepEqual([again.code, again.stderr], [1, `container ID file found, make sure the other container isn't running or delete ${file}\n`]);
});

test('a missing image is pulled first (--pull missing), as docker does it', { skip: requires('docker', 'registry', 'busybox') }, async () => {
  const registry = await startRegistry();
  try {
    const name = `${registry.host}/busybox`;
    assert.equal((await cli(['tag', 'busybox', name])).code, 0);
    assert.equal((await cli(['push', name])).code, 0);
    const outputs: RunResult[] = [];
    for (const send of [docker, cli]) {
      await cli(['rmi', name]);
      outputs.push(await send(['run', '--rm', name, 'echo', 'pulled']));
    }
    const [theirs, ours] = outputs as [RunResult, RunResult];
    assert.deepEqual([ours.code, ours.stdout, ours.stderr], [theirs.code, theirs.stdout, theirs.stderr]);
    assert.equal(ours.stdout, 'pulled\n');
    assert.match(ours.stderr, new RegExp(`^Unable to find image '${name}:latest' locally\nlatest: Pulling from busybox\n`));
    await cli(['rmi', name]);
    const quiet = await cli(['create', '-q', name, 'true']);
    assert.deepEqual([quiet.code, quiet.stderr], [0, '']);
  } finally {
    await registry.stop();
  }
});

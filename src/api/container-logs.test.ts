// Logging drivers and rotation with a real berthd, conmon and the real docker CLI: json-file
// rotates (by default too) and `docker logs` reads across the rotated files; local gzips them;
// none keeps nothing readable; bad drivers and options are refused at create; daemon.json sets
// the default; rotation goes on across a berthd restart (live-restore).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Berthd, startBerthd } from '../testing/berthd-harness.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { run } from '../testing/run.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { importImage } from '../testing/api.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const dockerOn = (host: string) => (...args: string[]) =>
  run('docker', args, { env: { DOCKER_HOST: host, DOCKER_CONFIG: join(f.dir, 'config') }, timeoutMs: 60_000 });
const docker = (...args: string[]) => f.docker(args);
const PAD = '.'.repeat(40);
/** `n` numbered lines of ~50 bytes, as fast as the container can write them. */
const burst = (n: number) => `seq 1 ${n} | sed 's/$/ ${PAD}/'`;
/** The same in bursts of 1000 lines, `ms` apart (rotation happens between them). */
const bursts = (n: number, ms: number) =>
  `k=0; while [ $k -lt ${n} ]; do seq $((k+1)) $((k+1000)) | sed 's/$/ ${PAD}/'; k=$((k+1000)); usleep ${ms * 1000}; done`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runToEnd(args: string[]): Promise<string> {
  const r = await docker('run', '-d', ...args);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  assert.equal((await docker('wait', id)).stdout.trim(), '0');
  return id;
}

/** The log's files (not .keep, not temporaries), and the directory they are in. The path is
 * berthd's, for every driver (inspect shows it for json-file only, as dockerd). */
async function logFiles(id: string): Promise<{ dir: string; files: string[] }> {
  const path = join(f.d.dir, 'data', 'containers', id, `${id}-json.log`);
  const files = readdirSync(dirname(path)).filter((f) => f === basename(path) || /^\S+-json\.log\.\d+(\.gz)?$/.test(f));
  return { dir: dirname(path), files: files.sort() };
}

const numbers = (out: string) => out.split('\n').filter(Boolean).map((l) => Number(l.split(' ')[0]));
function assertSuffix(nums: number[], last: number): void {
  // The oldest kept line may be the end of one cut by the rotation that dropped its start.
  const whole = nums.slice(1);
  assert.equal(whole.at(-1), last);
  assert.deepEqual(whole, Array.from({ length: whole.length }, (_, i) => last - whole.length + 1 + i), 'no line lost or repeated');
}

test('json-file: ~3 MB with max-size=100k, max-file=3 leaves at most 3 files; logs reads across them', { skip }, async () => {
  const id = await runToEnd(['--log-opt', 'max-size=100k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', bursts(60_000, 10)]);
  const { dir: logDir, files } = await logFiles(id);
  assert.equal((await docker('inspect', '--format', '{{.LogPath}}', id)).stdout.trim(), join(logDir, `${id}-json.log`), 'json-file shows its file');
  assert.ok(files.length >= 2 && files.length <= 3, files.join(' '));
  assert.ok(!files.some((f) => f.endsWith('.gz')));
  await until('.keep goes with the container\'s exit', () => !readdirSync(logDir).some((f) => f.endsWith('.keep')), { stepMs: 50 });
  const tail = await docker('logs', '--tail', '5', id);
  assert.equal(tail.stdout, [59_996, 59_997, 59_998, 59_999, 60_000].map((n) => `${n} ${PAD}\n`).join(''));
  const all = numbers((await docker('logs', id)).stdout);
  assertSuffix(all, 60_000);
  assert.ok(all.length < 60_000 && all.length > 2000, `${all.length} lines kept`);
  // since bisects within the file it falls in; until stops. (conmon stamps each read once,
  // so lines around the one picked may share its timestamp.)
  const stamped = (await docker('logs', '-t', '--tail', '3000', id)).stdout.split('\n');
  const [ts, n] = stamped[0]!.split(' ');
  const since = numbers((await docker('logs', '--since', ts!, id)).stdout);
  assert.ok(since.includes(Number(n)) && since.at(-1) === 60_000 && since.length < 5000, `${since.length} lines since ${ts}`);
  const upTo = numbers((await docker('logs', '--until', ts!, id)).stdout);
  assert.ok(upTo.at(-1)! >= Number(n) && upTo.at(-1)! < Number(n) + 500, `until ${ts} ends at ${upTo.at(-1)}`);
  assert.equal((await docker('inspect', '--format', '{{json .HostConfig.LogConfig}}', id)).stdout.trim(), '{"Type":"json-file","Config":{"max-file":"3","max-size":"100k"}}');
  assert.equal((await docker('rm', id)).code, 0);
  assert.ok(!existsSync(logDir), 'rm removes every log file');
});

test('local: rotated files are gzipped and read back; -f follows across rotations', { skip }, async () => {
  const r = await docker('run', '-d', '--log-driver', 'local', '--log-opt', 'max-size=30k', '--log-opt', 'max-file=100', 'busybox', 'sh', '-c', `sleep 1; ${bursts(20_000, 30)}`);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  const followed = await docker('logs', '-f', id);
  assertSuffix([0, ...numbers(followed.stdout)], 20_000);
  assert.equal(numbers(followed.stdout).length, 20_000, 'the follower saw every line');
  const { files } = await logFiles(id);
  assert.ok(files.filter((f) => f.endsWith('.gz')).length >= 3, files.join(' '));
  assert.ok(!files.some((f) => /\.\d+$/.test(f)), `rotated files are compressed: ${files.join(' ')}`);
  assert.deepEqual(numbers((await docker('logs', id)).stdout), numbers(followed.stdout));
  assert.equal(numbers((await docker('logs', '--tail', '15000', id)).stdout)[0], 5001);
});

test('none: docker logs fails as with dockerd, attach still works, nothing is left', { skip }, async () => {
  const attached = await docker('run', '--rm', '--log-driver', 'none', 'busybox', 'echo', 'hello');
  assert.equal(attached.stdout, 'hello\n', attached.stderr);
  const id = await runToEnd(['--log-driver', 'none', 'busybox', 'echo', 'hi']);
  const logs = await docker('logs', id);
  assert.equal(logs.code, 1);
  assert.equal(logs.stderr, 'Error response from daemon: configured logging driver does not support reading\n');
  const { dir: logDir } = await logFiles(id);
  // The container's directory keeps its hostname, hosts and resolv.conf (as dockerd's does).
  const NET_FILES = ['hostname', 'hosts', 'resolv.conf'];
  await until('the log directory of a none-driver container has no log', () => readdirSync(logDir).filter((f) => !NET_FILES.includes(f)).length === 0, { stepMs: 50 });
});

test('unknown drivers, unknown options and bad values are refused at create', { skip }, async () => {
  const refused = async (args: string[], message: string) => {
    const r = await docker('run', '--rm', ...args, 'busybox', 'true');
    assert.equal(r.code, 125);
    assert.equal(r.stderr.split('\n')[0], `docker: Error response from daemon: ${message}`);
  };
  await refused(['--log-driver', 'syslog'], "logger: no log driver named 'syslog' is registered");
  await refused(['--log-opt', 'foo=bar'], "unknown log opt 'foo' for json-file log driver");
  await refused(['--log-driver', 'local', '--log-opt', 'foo=bar'], "unknown log opt 'foo' for log driver local");
  await refused(['--log-opt', 'max-size=huge'], "invalid size: 'huge'");
  await refused(['--log-opt', 'max-file=0'], 'max-file cannot be less than 1');
  await refused(['--log-opt', 'mode=sometimes'], 'logger: logging mode not supported: sometimes');
});

test('daemon.json log-driver and log-opts: the default for containers that name no driver', { skip }, async () => {
  const other = await startBerthd({ daemonJson: { 'log-driver': 'local', 'log-opts': { 'max-size': '30k' } } });
  try {
    const dk = dockerOn(other.host);
    assert.equal((await dk('info', '--format', '{{.LoggingDriver}}')).stdout.trim(), 'local');
    await importImage(other.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
    const config = async (...args: string[]) => {
      const c = await dk('create', ...args, 'busybox', 'sh', '-c', burst(10_000));
      assert.equal(c.code, 0, c.stderr);
      return { id: c.stdout.trim(), shown: (await dk('inspect', '--format', '{{json .HostConfig.LogConfig}}', c.stdout.trim())).stdout.trim() };
    };
    const plain = await config();
    assert.equal(plain.shown, '{"Type":"local","Config":{"max-size":"30k"}}');
    assert.equal((await config('--log-opt', 'max-file=2')).shown, '{"Type":"local","Config":{"max-file":"2","max-size":"30k"}}');
    assert.equal((await config('--log-driver', 'json-file')).shown, '{"Type":"json-file","Config":{}}');
    assert.equal((await dk('start', '-a', plain.id)).code, 0);
    assert.equal((await dk('inspect', '--format', '{{.LogPath}}', plain.id)).stdout.trim(), '', 'as dockerd: no LogPath for local');
    const dir = join(other.dir, 'data', 'containers', plain.id);
    assert.ok(readdirSync(dir).some((f) => f.endsWith('.1.gz')), 'the daemon\'s max-size applied, and local compresses');
    assert.equal((await dk('logs', '--tail', '1', plain.id)).stdout, `10000 ${PAD}\n`);
    const ids = (await dk('ps', '-aq')).stdout.split('\n').filter(Boolean);
    await dk('rm', '-f', ...ids);
  } finally {
    await other.cleanup();
  }
});

test('rotation goes on after berthd restarts (live-restore)', { skip }, async () => {
  const script = `i=0; while [ $i -lt 100000 ]; do i=$((i+1)); echo "$i ${PAD}"; usleep 300; done`;
  const r = await docker('run', '-d', '--log-opt', 'max-size=50k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  const path = (await docker('inspect', '--format', '{{.LogPath}}', id)).stdout.trim();
  await sleep(500);
  await f.d.kill();
  // No daemon rotates now: the file passes max-size (how soon depends on the machine's load) —
  // or is not there at all, the kill having cut a rotation short between its rename and
  // conmon's reopen (conmon writes on into .1; the next berthd finishes that rotation).
  const size = () => (existsSync(path) ? statSync(path).size : Infinity);
  await until('the log outgrows max-size while no daemon runs', () => size() > 60_000, { timeoutMs: 30_000 });
  const grown = size();
  f.d = await new Berthd({ dir: f.d.dir }).start();
  // The restored daemon takes the rotation up at its next look (each second; later on a loaded machine).
  await until(`rotated after the restart (${grown} bytes before)`, () => size() < grown, { timeoutMs: 15_000 });
  assert.ok((await logFiles(id)).files.length <= 3);
  assert.equal((await docker('stop', '-t', '1', id)).code, 0);
  const all = numbers((await docker('logs', id)).stdout);
  assertSuffix(all, all.at(-1)!);
  assert.ok(all.length > 100);
});

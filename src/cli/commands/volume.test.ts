// `volume ls/create/inspect/rm/prune` through the berth CLI and the real docker CLI against one
// berthd: the same commands, the same output (docker's own output is the reference), and
// `create -v/--mount/--volumes-from` through the docker CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { berth } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';
import type { RunResult } from '../../testing/run.ts';

const f = useBusyboxDaemon();
const dockerSkip = requires('docker');
type Cli = (args: string[], input?: string) => Promise<RunResult>;
const clis: [string, Cli, string | false][] = [
  ['berth', (args, input) => berth(args, { env: f.env(), ...(input !== undefined && { input }) }), false],
  ['docker', (args, input) => f.docker(args, input), dockerSkip],
];

for (const [name, cli, skip] of clis) {
  const p = `${name}-`; // each CLI its own volumes, one daemon
  test(`${name}: create, ls, inspect, rm`, { skip }, async () => {
    assert.deepEqual(await cli(['volume', 'create', '--label', 'a=b', '--label', 'c', `${p}v1`]), { code: 0, stdout: `${p}v1\n`, stderr: '' });
    assert.equal((await cli(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', `${p}v2`])).stdout, `${p}v2\n`);
    assert.equal((await cli(['volume', 'create', `${p}v10`])).stdout, `${p}v10\n`);
    const ls = await cli(['volume', 'ls', '--filter', `name=${p}`]);
    assert.equal(ls.stdout, `DRIVER    VOLUME NAME\nlocal     ${p}v1\nlocal     ${p}v2\nlocal     ${p}v10\n`, 'natural name order');
    assert.equal((await cli(['volume', 'ls', '-q', '--filter', 'label=a=b'])).stdout, `${p}v1\n`);
    const fmt = await cli(['volume', 'ls', '--filter', `name=^${p}v1$`, '--format', '{{.Name}} {{.Labels}} {{.Scope}} {{.Links}} {{.Size}}']);
    // The docker CLI prints .Labels in Go's map order, which is random: compared sorted.
    const [name, labels = '', ...rest] = fmt.stdout.trim().split(' ');
    assert.deepEqual([name, labels.split(',').sort().join(','), ...rest], [`${p}v1`, 'a=b,c=', 'local', 'N/A', 'N/A']);
    const json = await cli(['volume', 'ls', '--filter', `name=${p}v2`, '--format', 'json']);
    assert.deepEqual(JSON.parse(json.stdout), {
      Availability: 'N/A', Driver: 'local', Group: 'N/A', Labels: '', Links: 'N/A', Mountpoint: join(f.d.dir, 'data', 'volumes', `${p}v2`, '_data'),
      Name: `${p}v2`, Scope: 'local', Size: 'N/A', Status: 'N/A',
    });
    const inspect = await cli(['volume', 'inspect', '-f', '{{.Name}} {{json .Options}} {{json .Labels}}', `${p}v2`, `${p}v1`]);
    assert.equal(inspect.stdout, `${p}v2 {"device":"tmpfs","o":"size=1m","type":"tmpfs"} null\n${p}v1 null {"a":"b","c":""}\n`);
    const missing = await cli(['volume', 'inspect', `${p}nope`]);
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '[]\n', `Error response from daemon: get ${p}nope: no such volume\n`]);
    const bad = await cli(['volume', 'create', 'a']);
    assert.deepEqual([bad.code, bad.stderr], [1, 'Error response from daemon: create a: volume name is too short, names should be at least two alphanumeric characters\n']);
    const rm = await cli(['volume', 'rm', `${p}v1`, `${p}nope`, `${p}v2`]);
    assert.deepEqual([rm.code, rm.stdout, rm.stderr], [1, `${p}v1\n${p}v2\n`, `Error response from daemon: get ${p}nope: no such volume\n`]);
    assert.deepEqual(await cli(['volume', 'rm', '-f', `${p}nope`, `${p}v10`]), { code: 0, stdout: `${p}nope\n${p}v10\n`, stderr: '' }, 'a missing volume with -f: no error');
  });

  test(`${name}: rm of a volume in use, prune with and without --all`, { skip }, async () => {
    await cli(['volume', 'create', `${p}used`]);
    await cli(['volume', 'create', `${p}named`]);
    const created = await cli(['create', '-v', `${p}used:/u`, '-v', '/anon', 'busybox', 'true']);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    const rm = await cli(['volume', 'rm', `${p}used`]);
    assert.deepEqual([rm.code, rm.stderr], [1, `Error response from daemon: remove ${p}used: volume is in use - [${id}]\n`]);
    const anon = (await cli(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}', id])).stdout.trim();
    assert.match(anon, /^[a-f0-9]{64}$/);
    assert.equal((await cli(['rm', id])).code, 0);
    const prompt = await cli(['volume', 'prune'], 'n\n');
    assert.equal(prompt.stdout, 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ');
    const pruned = await cli(['volume', 'prune', '-f']);
    assert.ok(pruned.stdout.startsWith('Deleted Volumes:\n') && pruned.stdout.includes(`${anon}\n`), pruned.stdout);
    assert.ok(!pruned.stdout.includes(p), 'named volumes stay without --all');
    assert.match(pruned.stdout, /\n\nTotal reclaimed space: \d+(\.\d+)?k?B\n$/);
    const all = await cli(['volume', 'prune', '-a', '-f', '--filter', `label!=keep`]);
    assert.ok(all.stdout.includes(`${p}used\n`) && all.stdout.includes(`${p}named\n`), all.stdout);
    const again = await cli(['volume', 'prune', '-af']);
    assert.equal(again.stdout, 'Total reclaimed space: 0B\n');
  });
}

test('docker create with -v, --mount, --tmpfs and --volumes-from against berthd', { skip: dockerSkip }, async () => {
  const host = join(f.dir, 'host');
  const c1 = await f.docker(['create', '--pull', 'never', '--name', 'mounts1', '-v', `${host}:/h:ro`, '-v', 'dk-named:/v',
    '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m', '--mount', 'type=volume,src=dk-opt,dst=/o,volume-nocopy,volume-opt=type=tmpfs,volume-opt=device=tmpfs',
    '--tmpfs', '/run', 'busybox', 'true']);
  assert.equal(c1.code, 0, c1.stderr);
  const mounts = JSON.parse((await f.docker(['inspect', '-f', '{{json .Mounts}}', 'mounts1'])).stdout) as { Type: string; Destination: string; Name?: string }[];
  // The docker CLI sends -v's binds in map order (random): compare as sets.
  assert.deepEqual(mounts.map((m) => `${m.Type}:${m.Destination}`).sort(), ['bind:/h', 'tmpfs:/t', 'volume:/o', 'volume:/v']);
  assert.equal((await f.docker(['volume', 'inspect', '-f', '{{json .Options}}', 'dk-opt'])).stdout, '{"device":"tmpfs","type":"tmpfs"}\n');
  const c2 = await f.docker(['create', '--pull', 'never', '--volumes-from', 'mounts1:ro', 'busybox', 'true']);
  assert.equal(c2.code, 0, c2.stderr);
  const inherited = (await f.docker(['inspect', '-f', '{{range .Mounts}}{{.Destination}}={{.RW}} {{end}}', c2.stdout.trim()])).stdout.trim().split(' ').sort();
  assert.deepEqual(inherited, ['/h=false', '/o=false', '/t=false', '/v=false']);
  const dup = await f.docker(['create', '--pull', 'never', '-v', 'dk-a:/x', '-v', 'dk-b:/x', 'busybox', 'true']);
  assert.deepEqual([dup.code, dup.stderr], [1, 'Error response from daemon: Duplicate mount point: /x\n']);
  const missing = await f.docker(['create', '--pull', 'never', '--mount', `type=bind,src=${join(f.dir, 'nope')},dst=/x`, 'busybox', 'true']);
  assert.equal(missing.stderr, `Error response from daemon: invalid mount config for type "bind": bind source path does not exist: ${join(f.dir, 'nope')}\n`);
});

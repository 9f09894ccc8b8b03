// Names from a real berthd: `berth __complete` offers the running containers for `stop`, every
// container for `rm`, the stopped ones for `start`, the images (repo:tag) for `rmi`, volumes and
// networks; and the bash script completes `berth stop <TAB>` with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delimiter, dirname } from 'node:path';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { BERTH_EXECUTABLE } from '../../testing/berthd-harness.ts';
import { berth, run } from '../../testing/run.ts';

const f = useBusyboxDaemon({
  setup: async ({ d }) => {
    const containers = d.client().containers;
    const { Id } = await containers.create({ Image: 'busybox', Cmd: ['sleep', '300'] }, 'comp-running');
    await containers.start(Id);
    await containers.create({ Image: 'busybox', Cmd: ['true'] }, 'comp-created');
    await d.client().volumes.create({ Name: 'comp-volume' });
  },
});

const complete = (...words: string[]) => berth(['__complete', ...words], { env: f.env() });
const answer = (...values: string[]) => ({ code: 0, stdout: [...values, ':4', ''].join('\n'), stderr: '' });

test('container names: running ones for stop, all for rm, stopped ones for start', async () => {
  assert.deepEqual(await complete('stop', ''), answer('comp-running'));
  assert.deepEqual(await complete('container', 'exec', '-it', ''), answer('comp-running'));
  assert.deepEqual(await complete('rm', '-f', ''), answer('comp-created', 'comp-running'));
  assert.deepEqual(await complete('start', 'comp'), answer('comp-created'));
  assert.deepEqual(await complete('run', '--volumes-from', 'comp-r'), answer('comp-running'));
});

test('short container ids too with DOCKER_COMPLETION_SHOW_CONTAINER_IDS=yes', async () => {
  const [running] = await f.d.client().containers.list();
  const r = await berth(['__complete', 'stop', ''], { env: { ...f.env(), DOCKER_COMPLETION_SHOW_CONTAINER_IDS: 'yes' } });
  assert.deepEqual(r, answer(...[running.Id.slice(0, 12), 'comp-running'].sort()));
});

test('image, volume and network names', async () => {
  assert.deepEqual(await complete('rmi', ''), answer('busybox:latest'));
  assert.deepEqual(await complete('run', '-it', 'bu'), answer('busybox:latest'));
  assert.deepEqual(await complete('volume', 'rm', ''), answer('comp-volume'));
  const networks = (await f.d.client().networks.list()).map((n) => n.Name).sort();
  assert.ok(networks.length > 0);
  assert.deepEqual(await complete('network', 'inspect', ''), answer(...networks));
});

test('bash: berth stop <TAB> and berth rmi <TAB> complete from the daemon', async () => {
  const script = [
    'source <(berth completion bash) || exit 3',
    "COMP_WORDS=(berth stop ''); COMP_CWORD=2; COMP_LINE='berth stop '; COMP_POINT=11",
    '__berth_complete; echo "${COMPREPLY[*]}"',
    // "busybox:l" is three words to bash (":" breaks words); only "l" is replaced.
    "COMP_WORDS=(berth rmi busybox : l); COMP_CWORD=4; COMP_LINE='berth rmi busybox:l'; COMP_POINT=19",
    '__berth_complete; echo "${COMPREPLY[*]}"',
  ].join('\n');
  const env = { ...f.env(), PATH: `${dirname(BERTH_EXECUTABLE)}${delimiter}${process.env.PATH}` };
  assert.deepEqual(await run('bash', ['--norc', '--noprofile', '-c', script], { env }), { code: 0, stdout: 'comp-running\nlatest\n', stderr: '' });
});

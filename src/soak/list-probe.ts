// Why is GET /containers/json slow? The list on its own, without the soak's load: a private
// berthd with a mix of containers (running on the default bridge, some publishing a port,
// running on a user network, created only), then sequential lists, timed by wall clock and by
// berthd's CPU time (/proc/<pid>/stat), which a busy machine inflates less.
//   node src/soak/list-probe.ts [--containers 40] [--lists 300]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { busyboxRootfs } from '../testing/busybox.ts';
import { importImage } from '../testing/api.ts';
import { percentile } from '../faults/stats.ts';
import { SoakDaemon } from './soak-daemon.ts';
import { IDLE } from './context.ts';

const { values } = parseArgs({ options: { containers: { type: 'string', default: '40' }, lists: { type: 'string', default: '300' } } });
const say = (line: string) => process.stdout.write(`${line}\n`);

/** utime + stime of pid, in ms (clock ticks are 100 Hz on Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const daemon = new SoakDaemon();
try {
  await daemon.start();
  const c = daemon.client();
  await importImage(c.api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
  await c.networks.create({ Name: 'probe-net' });
  const n = Number(values.containers);
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    const body: Record<string, unknown> = { Image: 'busybox', Cmd: IDLE };
    if (kind === 1) Object.assign(body, { ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } });
    if (kind === 2) body.HostConfig = { NetworkMode: 'probe-net' };
    const { Id } = await c.containers.create(body, `probe-${i}`);
    if (kind !== 3) await c.containers.start(Id);
  }
  const pid = daemon.d.pid!;
  for (let i = 0; i < 20; i++) await c.containers.list({ all: true }); // warm
  const lists = Number(values.lists);
  const wall: number[] = [];
  const cpu0 = cpuMs(pid);
  for (let i = 0; i < lists; i++) {
    const t0 = performance.now();
    await c.containers.list({ all: true });
    wall.push(performance.now() - t0);
  }
  const cpu = (cpuMs(pid) - cpu0) / lists;
  say(`${n} containers, ${lists} sequential lists: wall p50 ${percentile(wall, 50).toFixed(2)} ms, p99 ${percentile(wall, 99).toFixed(2)} ms; berthd CPU ${cpu.toFixed(2)} ms per list`);
  await daemon.empty();
} finally {
  for (const l of await daemon.teardown()) say(`left: ${l}`);
}

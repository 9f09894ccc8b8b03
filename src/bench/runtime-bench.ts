// The runtime bench: `docker exec` and `docker run --rm` with runc and with crun, medians side by
// side. crun runs only where the cgroup layout lets it (runtime/monitor/runtime-support.ts); on
// this machine kind that is a simulated cgroup v1 host, so one berthd runs in a mount namespace
// without the unified hierarchy (BENCH_CGROUP=v2 mounts the unified one alone instead, for hosts
// where crun runs on v2), and every variant is measured there. For reference, the same two
// commands against a berthd and Debian's dockerd 20.10 on the host as it is (runc). The variants
// take turns sample by sample. Figures, never assertions: `scripts/bench runtimes`.
import { createWriteStream, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { busyboxRootfs } from '../testing/busybox.ts';
import { startBerthd, startDockerd, type Engine } from './daemons.ts';
import { cliFor, docker, tearDownBench, timeDocker, type Cli } from './docker-cli.ts';
import { median, p90 } from './stats.ts';

const N = Number(process.env.BENCH_N) || 30;
const SETUP = {
  v1: 'mount --make-rprivate / && umount -l /sys/fs/cgroup/unified && exec "$@"',
  v2: 'mount --make-rprivate / && umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"',
};
const LAYOUT = process.env.BENCH_CGROUP === 'v2' ? 'v2' : 'v1';

interface Variant {
  label: string;
  cli: Cli;
  runtime?: string;
  /** The running container exec goes into. */
  target?: string;
  exec: number[];
  run: number[];
}

function variant(label: string, cli: Cli, runtime?: string): Variant {
  const rt = runtime ? ['--runtime', runtime] : [];
  const target = docker(cli, ['run', '-d', '--network', 'none', ...rt, 'busybox', 'sleep', '1000']).trim();
  return { label, cli, ...(runtime && { runtime }), target, exec: [], run: [] };
}

function sample(v: Variant, keep: boolean): void {
  const rt = v.runtime ? ['--runtime', v.runtime] : [];
  const e = timeDocker(v.cli, ['exec', v.target!, 'true']);
  const r = timeDocker(v.cli, ['run', '--rm', '--network', 'none', ...rt, 'busybox', 'true']);
  if (keep) v.exec.push(e), v.run.push(r);
}

function row(v: Variant): string {
  const f = (xs: number[]) => `${median(xs).toFixed(1).padStart(6)} ${p90(xs).toFixed(1).padStart(6)}`;
  return `${v.label.padEnd(34)} ${f(v.exec)}   ${f(v.run)}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-runtime-bench-'));
  const engines: Engine[] = [];
  const clis: Cli[] = [];
  try {
    const wrap = ['unshare', '-m', 'sh', '-c', SETUP[LAYOUT], 'sh'];
    engines.push(await startBerthd(dir, { wrap, prefix: `ns-${LAYOUT}` }), await startBerthd(dir, { prefix: 'host' }));
    const dockerd = await startDockerd(dir);
    if (dockerd) engines.push(dockerd);
    const tar = join(dir, 'busybox.tar');
    await pipeline(busyboxRootfs(), createWriteStream(tar));
    for (const e of engines) {
      const cli = cliFor(e, join(dir, 'docker-config'));
      docker(cli, ['import', '-c', 'CMD ["sh"]', tar, 'busybox']);
      clis.push(cli);
    }
    const [ns, host, dk] = clis;
    const wanted: [string, Cli | undefined, string?][] = [
      [`berthd, cgroup ${LAYOUT} namespace, runc`, ns, 'runc'],
      [`berthd, cgroup ${LAYOUT} namespace, crun`, ns, 'crun'],
      ['berthd, host (hybrid), runc', host, 'runc'],
      ['dockerd 20.10, host (hybrid), runc', dk],
    ];
    const variants: Variant[] = [];
    for (const [label, cli, runtime] of wanted) {
      if (!cli) continue;
      try {
        variants.push(variant(label, cli, runtime));
      } catch (err) {
        console.log(`${label}: not measured: ${(err as Error).message}`);
      }
    }
    for (let i = 0; i < N + 3; i++) for (const v of variants) sample(v, i >= 3);
    console.log(`\nruntime bench: ${N} samples each, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log(`${'ms'.padEnd(34)} ${'exec true'.padStart(13)}   ${'run --rm true'.padStart(13)}`);
    console.log(`${''.padEnd(34)} ${'median'.padStart(6)} ${'p90'.padStart(6)}   ${'median'.padStart(6)} ${'p90'.padStart(6)}`);
    for (const v of variants) console.log(row(v));
  } finally {
    await tearDownBench(clis, engines, dir);
  }
}

await main();

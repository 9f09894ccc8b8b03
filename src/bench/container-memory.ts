// Memory per idle running container, as the issue defines it: the PSS of every process of the
// engine outside the daemon (monitors — conmon for berthd, containerd-shim-runc-v2 for dockerd —,
// the containers' own processes, berth-dns, runc inits of prepared starts) before and after
// `count` detached `sleep` containers, divided by `count`. "After" is read once berthd's prepared
// starts have run out (each holds a conmon and a runc init for up to PREPARED_TTL_MS), so what is
// left is what a running container costs. The processes are found by the bench directory on
// their command line (the daemons' roots are in it) and their descendants, minus the daemon's
// own tree (dockerd: with its containerd), whose growth is a row of its own. PSS, not the
// machine's free memory: with other work on this machine that moves by more than the figure.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pssMiB, rssMiB, processesWith } from './daemons.ts';
import { treeOf } from './daemon-footprint-procs.ts';
import { dockerAsync, inPool, removeAllContainers, docker, type Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, type EngineName } from './sampling.ts';

const MONITOR: Record<EngineName, string> = { berthd: 'conmon', dockerd: 'containerd-shim-runc-v2' };
/** berthd's prepared-start TTL (lifecycle.ts: 10 s) and a margin. */
const PREPARED_TTL_MS = 12_000;

/** The engine's processes outside its daemon: everything naming `dir`, with descendants. */
function outside(cli: Cli, dir: string): number[] {
  const daemon = new Set(cli.engine.pids());
  return treeOf(cli.engine.child.pid!, dir).filter((p) => !daemon.has(p));
}

const program = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.split('/').pop();
  } catch {
    return undefined; // exited while we looked
  }
};

/** Until no monitor of the engine is left (at most 60 s), then a second more: `rm -f` can answer
 * before its monitor and runc have exited, and on a loaded machine a "before" read then counted
 * them (the previous round's), making the next difference negative. */
async function monitorsGone(cli: Cli, dir: string): Promise<void> {
  const t0 = performance.now();
  const left = () => outside(cli, dir).filter((p) => program(p) === MONITOR[cli.engine.name]).length;
  while (left() > 0 && performance.now() - t0 < 60_000) await sleep(500);
  if (left() > 0) console.error(`    ${cli.engine.name}: ${left()} ${MONITOR[cli.engine.name]} still there 60 s after rm -f`);
  await sleep(1000);
}

type Series = Map<EngineName, number[] | Error>;
const series = (clis: readonly Cli[]): Series => new Map(clis.map((c) => [c.engine.name, []]));

export async function memoryPerContainer(clis: Cli[], rounds: number, count: number, dir: string): Promise<Measure[]> {
  const [perContainer, daemonGrowth, monitorRss, monitorPss] = [series(clis), series(clis), series(clis), series(clis)];
  const notes = new Map<EngineName, string>();
  for (let round = 0; round < rounds; round++) {
    for (const cli of clis) {
      const name = cli.engine.name;
      if (perContainer.get(name) instanceof Error) continue;
      try {
        removeAllContainers(cli);
        await monitorsGone(cli, dir);
        const before = pssMiB(outside(cli, dir));
        const daemonBefore = pssMiB(cli.engine.pids());
        await inPool(Array.from({ length: count }), 4, async () => {
          const r = await dockerAsync(cli, ['run', '-d', '--network', 'none', '--label', 'bench=memory', 'busybox', 'sleep', '1000']);
          if (r.code !== 0) throw new Error(`run -d failed: ${r.stderr.trim()}`);
        });
        await sleep(PREPARED_TTL_MS);
        const ids = new Set(docker(cli, ['ps', '-q', '--no-trunc', '--filter', 'label=bench=memory']).split('\n').filter(Boolean));
        if (ids.size !== count) throw new Error(`${ids.size} of ${count} containers running`);
        const push = (s: Series, x: number) => (s.get(name) as number[]).push(x);
        push(perContainer, (pssMiB(outside(cli, dir)) - before) / count);
        push(daemonGrowth, (pssMiB(cli.engine.pids()) - daemonBefore) / count);
        const monitors = processesWith(MONITOR[name], ids);
        if (monitors.length !== count) notes.set(name, `${monitors.length} ${MONITOR[name]} found for ${count} containers`);
        push(monitorRss, rssMiB(monitors) / count);
        push(monitorPss, pssMiB(monitors) / count);
        console.error(`    ${name}, round ${round + 1}: ${(perContainer.get(name) as number[]).at(-1)!.toFixed(2)} MiB per container outside the daemon`);
        removeAllContainers(cli);
      } catch (err) {
        for (const s of [perContainer, daemonGrowth, monitorRss, monitorPss]) s.set(name, err as Error);
      }
    }
  }
  const rss = figures(monitorRss);
  for (const [name, note] of notes) rss.get(name)!.note = note;
  return [
    measureOf('memory_per_container', `PSS outside the daemon per idle container (${count} × sleep, median of ${rounds})`, 'MiB', figures(perContainer), { max: 1 / 2, text: '1/2' }),
    measureOf('daemon_pss_per_container', `  the daemon's own PSS growth per container`, 'MiB', figures(daemonGrowth)),
    measureOf('monitor_rss_per_container', '  monitor RSS per container (conmon / containerd-shim)', 'MiB', rss),
    measureOf('monitor_pss_per_container', '  monitor PSS per container (shared pages divided)', 'MiB', figures(monitorPss)),
  ];
}

// Machine memory per idle running container: MemAvailable before and after `count` detached
// `sleep 1000` containers (each side once it has settled), divided by `count`; beside it
// the RSS and PSS of the containers' monitors (conmon for berthd, containerd-shim-runc-v2 for
// dockerd).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processesWith, pssMiB, rssMiB } from './daemons.ts';
import { docker, removeAllContainers, type Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, type EngineName } from './sampling.ts';
import { mean, parseMeminfo, usedBytes } from './stats.ts';

const MONITOR: Record<EngineName, string> = { berthd: 'conmon', dockerd: 'containerd-shim-runc-v2' };
const MiB = 1024 * 1024;

/** Used memory averaged over a second (ten readings). */
async function usedAveraged(): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 10; i++) {
    readings.push(usedBytes(parseMeminfo(readFileSync('/proc/meminfo', 'utf8'))));
    await sleep(100);
  }
  return mean(readings);
}

/**
 * Used memory once it has stopped moving: two consecutive one-second averages within 0.5 MiB
 * (at most ten seconds). Removed containers free their memory for a while after `rm` returns,
 * and a daemon's garbage collector runs when it likes; a reading in the middle of either
 * is off by more than the figure itself.
 */
async function settledUsed(): Promise<number> {
  let prev = await usedAveraged();
  for (let i = 0; i < 10; i++) {
    const next = await usedAveraged();
    if (Math.abs(next - prev) < 0.5 * MiB) return (prev + next) / 2;
    prev = next;
  }
  return prev;
}

export async function memoryPerContainer(clis: Cli[], rounds: number, count: number): Promise<Measure[]> {
  const machine = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  const monitors = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  const monitorsPss = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  const notes = new Map<EngineName, string>();
  for (let round = 0; round < rounds; round++) {
    for (const cli of clis) {
      const name = cli.engine.name;
      const m = machine.get(name);
      if (m instanceof Error) continue;
      try {
        removeAllContainers(cli);
        const before = await settledUsed();
        const ids = Array.from({ length: count }, () => docker(cli, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '1000']).trim());
        const after = await settledUsed();
        const pids = processesWith(MONITOR[name], new Set(ids));
        if (pids.length !== count) notes.set(name, `${pids.length} ${MONITOR[name]} found for ${count} containers`);
        m!.push((after - before) / count / MiB);
        (monitors.get(name) as number[]).push(rssMiB(pids) / count);
        (monitorsPss.get(name) as number[]).push(pssMiB(pids) / count);
        removeAllContainers(cli);
      } catch (err) {
        machine.set(name, err as Error);
        monitors.set(name, err as Error);
        monitorsPss.set(name, err as Error);
      }
    }
  }
  const monitorFigures = figures(monitors);
  for (const [name, note] of notes) monitorFigures.get(name)!.note = note;
  return [
    measureOf('memory_per_container', `machine memory per idle container (${count} × sleep, median of ${rounds})`, 'MiB', figures(machine), { max: 1 / 2, text: '1/2' }),
    measureOf('monitor_rss_per_container', 'monitor RSS per container (conmon / containerd-shim)', 'MiB', monitorFigures),
    measureOf('monitor_pss_per_container', 'monitor PSS per container (shared pages divided)', 'MiB', figures(monitorsPss)),
  ];
}

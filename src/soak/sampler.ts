// One sample a minute: berthd's memory and fds from /proc, how many objects the daemon holds
// (its own lists, not recorded as the clients' operations), and the window of the clients' work
// since the last sample.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentile } from '../faults/stats.ts';
import type { Recorder } from './recorder.ts';
import type { ProbeWindow } from './latency-probe.ts';
import type { SoakDaemon } from './soak-daemon.ts';
import type { Sample } from './verdict.ts';
import type { HeapAfterFullGc } from './memory-probe-heap.ts';

// The soak's own event loop: its clients' lists are timed here, so a busy soak inflates them
// (latency-probe.ts times the judged ones from its own process). Its delay, printed beside both,
// says how much the soak's process adds.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

let lastCpuMs: number | undefined;
let lastSched: { onCpuMs: number; waitMs: number } | undefined;

/** The start of the first minute's CPU count (when the clients start). */
export function markCpu(daemon: SoakDaemon): void {
  lastCpuMs = daemon.cpuMs();
  lastSched = daemon.loopSched();
}

export async function takeSample(minute: number, daemon: SoakDaemon, rec: Recorder, probe: ProbeWindow): Promise<Sample> {
  const w = rec.take();
  const cpu = daemon.cpuMs();
  const cpuMs = cpu - (lastCpuMs ?? cpu);
  lastCpuMs = cpu;
  const sched = daemon.loopSched();
  const loopOnCpuMs = sched.onCpuMs - (lastSched ?? sched).onCpuMs;
  const loopWaitMs = sched.waitMs - (lastSched ?? sched).waitMs;
  lastSched = sched;
  const clientLoopP99 = loop.percentile(99) / 1e6;
  loop.reset();
  const mem = await daemon.memoryProbe();
  const { heapMb, fullGcs } = daemon.heapAfterGc();
  const fig = { ...daemon.figures(), heapKb: heapMb * 1024, fullGcs };
  const c = daemon.client();
  const [containers, images, networks, volumes] = await Promise.all([
    c.containers.list({ all: true }).then((l) => l.length),
    c.images.list({ all: true }).then((l) => l.length),
    c.networks.list().then((l) => l.length),
    c.volumes.list().then((l) => (l.Volumes ?? []).length),
  ]);
  return {
    minute, ...fig, containers, images, networks, volumes,
    ops: w.ops.total,
    // The probe's failures beside the clients' (counted in the verdict's unexpected errors too).
    errors: { ...Object.fromEntries(w.errors.entries()), ...(probe.failures && { [`latency-probe: ${probe.firstFailure?.slice(0, 120)}`]: probe.failures }) },
    listCount: probe.listMs.length, listP50: percentile(probe.listMs, 50), listP99: percentile(probe.listMs, 99), listMs: probe.listMs,
    pingP50: percentile(probe.pingMs, 50), pingP99: percentile(probe.pingMs, 99), probeLoopP99: probe.loopP99, probeFailures: probe.failures,
    clientListP50: percentile(w.listMs, 50), clientListP99: percentile(w.listMs, 99),
    opsByFamily: byFamily(w.ops.entries()), clientLoopP99, cpuMs, loopOnCpuMs, loopWaitMs,
    load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    ...(mem && { mem, mallocKb: mallocInUseKb(mem), ...heapBySpace(mem) }),
  };
}

/** "containers.start" → containers: the per-minute line stays short. */
function byFamily(entries: [string, number][]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of entries) {
    const family = k.split('.')[0]!;
    out[family] = (out[family] ?? 0) + n;
  }
  return out;
}

export function sampleLine(s: Sample): string {
  const mib = (kb: number) => `${(kb / 1024).toFixed(1)}`;
  const fam = Object.entries(s.opsByFamily).map(([k, n]) => `${k} ${n}`).join(', ');
  const errs = Object.entries(s.errors);
  const errText = errs.length ? `\n         errors: ${errs.map(([k, n]) => `${k} ×${n}`).join(', ')}` : '';
  return `min ${String(s.minute).padStart(2)}  rss ${mib(s.rssKb)} MiB  pss ${mib(s.pssKb)} MiB  heap after full GC ${mib(s.heapKb)} MiB (${s.fullGcs} full GCs${s.heapRestKb !== undefined ? `; code and bytecode ${mib(s.heapCodeKb!)}, the rest ${mib(s.heapRestKb)}` : ''})  fds ${s.fds}  ` +
    `containers ${s.containers} images ${s.images} networks ${s.networks} volumes ${s.volumes}  ` +
    `list n=${s.listCount} p50 ${s.listP50.toFixed(1)} ms p99 ${s.listP99.toFixed(1)} ms, _ping p50 ${s.pingP50.toFixed(1)} p99 ${s.pingP99.toFixed(1)} ms (probe's loop delay p99 ${(s.probeLoopP99 ?? NaN).toFixed(1)} ms; the clients' lists p50 ${(s.clientListP50 ?? NaN).toFixed(1)} p99 ${(s.clientListP99 ?? NaN).toFixed(1)} ms, their loop delay p99 ${s.clientLoopP99.toFixed(1)} ms)  ` +
    `ops ${s.ops} (${fam}) berthd CPU ${((s.cpuMs ?? NaN) / 1000).toFixed(1)} s (${((s.cpuMs ?? NaN) / s.ops).toFixed(1)} ms/op; its loop's thread ran ${((s.loopOnCpuMs ?? NaN) / 1000).toFixed(1)} s and waited for a CPU ${((s.loopWaitMs ?? NaN) / 1000).toFixed(1)} s) load ${s.load1} errors ${errs.reduce((n, [, x]) => n + x, 0)}${errText}${s.mem ? `\n         ${memoryLine(s.mem)}` : ''}`;
}

/** V8's heap after the minute's lowest full collection, code apart (memory-probe-heap.ts). */
function heapBySpace(mem: Record<string, unknown>): Pick<Sample, 'heapCodeKb' | 'heapRestKb'> {
  const g = mem.afterFullGc as HeapAfterFullGc | undefined;
  return g ? { heapCodeKb: g.codeKb + g.trustedKb, heapRestKb: g.restKb } : {};
}

/** glibc malloc's bytes in use, in arenas and in mmapped chunks (NaN without the figures). */
function mallocInUseKb(mem: Record<string, unknown>): number {
  const ma = mem.malloc as Record<string, number> | undefined;
  return ma ? ma.inUseKb! + ma.mmapKb! : Number.NaN;
}

/** Where berthd's resident memory is (memory-probe.ts), MiB. */
export function memoryLine(m: Record<string, unknown>): string {
  const mib = (kb: unknown) => (Number(kb) / 1024).toFixed(1);
  const sm = m.smapsKb as Record<string, number>;
  const ma = m.malloc as Record<string, number> | undefined;
  const ar = m.arenas as { count: number; systemKb: number[] } | undefined;
  const sp = (m.spacesKb ?? {}) as Record<string, number>;
  return `memory: V8 heap committed ${mib(m.heapTotalKb)} (new ${mib(sp.new)}, old ${mib(sp.old)}, code ${mib(sp.code)}, large ${mib((sp.large_object ?? 0) + (sp.new_large_object ?? 0) + (sp.code_large_object ?? 0))}) used ${mib(m.heapUsedKb)}, external ${mib(m.externalKb)} (ArrayBuffers ${mib(m.arrayBuffersKb)}), ` +
    (ma ? `malloc from the system ${mib(ma.arenaKb)} + mmapped ${mib(ma.mmapKb)}, in use ${mib(ma.inUseKb)}, free ${mib(ma.freeKb)} in ${ar?.count} arenas [${ar?.systemKb.map(mib).join(' ')}], ` : '') +
    `threads ${m.threads}; resident: brk ${mib(sm.brk)}, anon ${mib(sm.anon)}, 64 MiB-aligned anon ${mib(sm.anonArena64)}, files ${mib(sm.file)}, other ${mib(sm.other)}` +
    (m.rssAfterTrimKb !== undefined ? `; rss after malloc_trim ${mib(m.rssAfterTrimKb)} (from ${mib(m.rssKb)})` : '');
}

/** After the warm-up minute: what a before/after comparison on a shared machine needs beside
 * the verdict — _ping's minutes (median of their p50 and p99), berthd's CPU per operation
 * (which the machine's load inflates least) and the load itself. */
export function figuresLine(samples: Sample[]): string {
  const rest = samples.slice(1);
  const med = (xs: number[]) => percentile(xs, 50); // as the verdict's _ping figure
  const ops = rest.reduce((n, s) => n + s.ops, 0);
  const cpu = rest.reduce((n, s) => n + (s.cpuMs ?? NaN), 0);
  const ran = rest.reduce((n, s) => n + (s.loopOnCpuMs ?? NaN), 0);
  const waited = rest.reduce((n, s) => n + (s.loopWaitMs ?? NaN), 0);
  return `after the warm-up: _ping p50 ${med(rest.map((s) => s.pingP50)).toFixed(1)} ms, p99 ${med(rest.map((s) => s.pingP99)).toFixed(1)} ms (medians of the minutes); ` +
    `berthd CPU ${(cpu / 1000).toFixed(1)} s for ${ops} operations (${(cpu / ops).toFixed(1)} ms/op); its event loop's thread ran ${(ran / 1000).toFixed(1)} s and waited ${(waited / 1000).toFixed(1)} s for a CPU; load average ${med(rest.map((s) => s.load1)).toFixed(1)} (median)`;
}

// `make soak`: berthd under a long mixed load (not in CI; 30 minutes by default).
//   A private berthd (own directories, socket, default bridge and pools) gets the busybox image;
//   N clients (default 20) cycle through every scenario (clients.ts): containers through every
//   state, run without attach, images (tag, commit, build, untag), user networks with DNS and
//   connect/disconnect, volumes with a labelled prune, a published loopback port asked once, an
//   events subscription. Every minute: berthd's RSS, PSS and fds, the objects it holds, the
//   operations and errors of the minute, GET /containers/json and /_ping p50/p99 timed by a
//   process of its own (latency-probe.ts), the soak's own loop delay beside. At the end: the verdict
//   (verdict.ts: no leak, RSS/PSS flat at the end, list p99 < 50 ms, no unexpected error), the samples as
//   JSON, everything removed and checked for leftovers. Exits 1 if a check fails.
//
//   node dist/soak/main.js [--minutes 30] [--clients 20] [--sample-seconds 60] [--out FILE]
//                          [--cpu-prof DIR]   (berthd's CPU profile, written when it stops)
//                          [--node-options '--max-semi-space-size=4']  (berthd's NODE_OPTIONS)
//                          [--env K=V ...]    (berthd's environment: MALLOC_ARENA_MAX=2,
//                                              BERTH_SOAK_TRIM=1 for memory-probe.ts's malloc_trim)
//                          [--heap-snapshots 2,6] (berthd's heap snapshots after those minutes'
//                                              samples, beside --out; compare: heap-diff.ts)
//                          [--daemon-nice=-5] (berthd's main thread at that nice, an experiment:
//                                              the product leaves berthd's priority alone; the =
//                                              form, as parseArgs takes -5 for an option)
//                          [--verdict FILE]   (judge an earlier run's JSON again, nothing run)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { busyboxRootfs } from '../testing/busybox.ts';
import { importImage } from '../testing/api.ts';
import { describeMissing, missing, RUNS_CONTAINERS } from '../testing/prerequisites.ts';
import { Recorder } from './recorder.ts';
import { SoakDaemon } from './soak-daemon.ts';
import { SCENARIOS, startClients } from './clients.ts';
import { figuresLine, markCpu, sampleLine, takeSample } from './sampler.ts';
import { verdict, type Sample } from './verdict.ts';
import { LatencyProbe } from './latency-probe.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    clients: { type: 'string', default: '20' },
    'sample-seconds': { type: 'string', default: '60' },
    out: { type: 'string', default: join(tmpdir(), `berth-soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`) },
    'cpu-prof': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    'node-options': { type: 'string', default: '' },
    verdict: { type: 'string' },
    'heap-snapshots': { type: 'string', default: '' },
    'daemon-nice': { type: 'string' },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const minutes = Number(values.minutes);
const sampleMs = Number(values['sample-seconds']) * 1000;
const clients = Number(values.clients);
const snapshotMinutes = new Set(values['heap-snapshots']!.split(',').filter(Boolean).map(Number));

async function main(): Promise<number> {
  // --verdict FILE: judge the samples of an earlier run again (after a change to verdict.ts).
  if (values.verdict) return rejudge(values.verdict);
  const gone = missing([...RUNS_CONTAINERS, 'ip', 'nft']);
  if (gone.length) return say(`soak: this machine lacks what it needs:\n${describeMissing(gone)}`), 1;
  const prof = values['cpu-prof'];
  const env = Object.fromEntries(values.env!.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const snapshotDir = join(dirname(values.out!), 'heap-snapshots');
  if (snapshotMinutes.size) mkdirSync(snapshotDir, { recursive: true }), (env.BERTH_SOAK_SNAPSHOT_DIR = snapshotDir);
  const daemon = new SoakDaemon(`${prof ? `--cpu-prof --cpu-prof-dir=${prof}` : ''} ${values['node-options']}`.trim(), env);
  let probe: LatencyProbe | undefined;
  const rec = new Recorder();
  const samples: Sample[] = [];
  const problems: string[] = [];
  let stopRequested = false;
  process.once('SIGINT', () => ((stopRequested = true), say('soak: interrupted; stopping the clients')));
  // Bounded: a client stuck on an answer that never comes must not hold the machine forever.
  const watchdog = setTimeout(() => void daemon.teardown().finally(() => process.exit(1)), (minutes + 10) * 60_000);
  watchdog.unref();
  try {
    await daemon.start();
    // On Linux a nice is a thread's: berthd's pid is its main thread, the event loop's.
    if (values['daemon-nice'] !== undefined) setPriority(daemon.d.pid!, Number(values['daemon-nice']));
    const idle = daemon.figures();
    say(`soak: berthd pid ${daemon.d.pid} on ${daemon.d.dir}; idle rss ${kb(idle.rssKb)} pss ${kb(idle.pssKb)} fds ${idle.fds}`);
    await importImage(daemon.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
    say(`soak: ${clients} clients × ${minutes} min, scenarios ${SCENARIOS.map((s) => s.name).join(', ')}; first minute is the warm-up; berthd's main thread at nice ${values['daemon-nice'] ?? 'as started (0)'}`);
    markCpu(daemon);
    probe = new LatencyProbe(daemon.d.socket);
    const run = startClients(clients, () => daemon.client(), rec, 'busybox:latest');
    const t0 = Date.now();
    for (let m = 1; m <= minutes && !stopRequested; m++) {
      await sleepUntil(t0 + m * sampleMs, () => stopRequested);
      const s = await takeSample(m, daemon, rec, await probe.take());
      samples.push(s);
      say(sampleLine(s));
      // A snapshot costs berthd tens of MiB of RSS and malloc for good: this run's memory verdict
      // is not one (heap without code and fds still are).
      if (snapshotMinutes.has(m)) say(`soak: heap snapshot after minute ${m} (RSS and malloc from here on include its cost): ${(await daemon.heapSnapshot()) ?? 'none within 3 minutes'}`);
    }
    run.stop();
    await Promise.all([run.done, probe.stop()]);
    problems.push(...(await daemon.empty()).map((n) => `cleanup through the API: ${n}`));
    const after = daemon.figures();
    say(`soak: after removing everything: rss ${kb(after.rssKb)} pss ${kb(after.pssKb)} fds ${after.fds} (idle before the load: ${idle.fds} fds)`);
    problems.push(...daemon.leftoversWhileUp(run.created, run.networks));
    say(`soak: ${rec.totals.ops.total} operations by ${clients} clients, ${run.created.size} containers, ${run.networks.size} networks`);
    say(`  ${rec.totals.ops.entries().map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    return report(samples, rec, problems, idle, after);
  } catch (err) {
    problems.push(`stopped by: ${(err as Error).stack ?? err}`);
    return report(samples, rec, problems);
  } finally {
    clearTimeout(watchdog);
    await probe?.stop();
    const left = await daemon.teardown();
    for (const l of left) say(`soak: LEFT BEHIND: ${l}`);
    if (left.length) process.exitCode = 1;
  }
}

function report(samples: Sample[], rec: Recorder, problems: string[], ...idle: object[]): number {
  // The latency probe's failed requests count as the clients' do.
  const errors = rec.totals.errors.total + samples.reduce((n, s) => n + (s.probeFailures ?? 0), 0);
  const checks = [...verdict(samples, errors), { name: 'clean end', ok: problems.length === 0, detail: problems.length ? problems.join('; ') : 'nothing left' }];
  say('== verdict');
  for (const c of checks) say(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  say(`  ${figuresLine(samples)}`);
  for (const [kind, msgs] of rec.messages) say(`  error ${kind} ×${rec.totals.errors.entries().find(([k]) => k === kind)?.[1]}: ${msgs.join(' | ')}`);
  const json = { date: new Date().toISOString(), minutes, clients, sampleSeconds: sampleMs / 1000, checks, errors: Object.fromEntries(rec.totals.errors.entries()), messages: Object.fromEntries(rec.messages), ops: Object.fromEntries(rec.totals.ops.entries()), idle, samples: samples.map((s) => ({ ...s, listMs: s.listMs.map((x) => Math.round(x * 10) / 10) })) };
  writeFileSync(values.out!, `${JSON.stringify(json, null, 2)}\n`);
  say(`soak: samples in ${values.out}`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

function rejudge(file: string): number {
  const { samples, errors } = JSON.parse(readFileSync(file, 'utf8')) as { samples: Sample[]; errors: Record<string, number> };
  // Files from before the lists were kept have no listMs: their list check fails for want of data.
  const checks = verdict(samples.map((s) => ({ ...s, listMs: s.listMs ?? [] })), Object.values(errors).reduce((a, b) => a + b, 0));
  for (const c of checks) say(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

async function sleepUntil(at: number, cancelled: () => boolean): Promise<void> {
  while (Date.now() < at && !cancelled()) await new Promise((r) => setTimeout(r, Math.min(1000, at - Date.now())));
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} MiB`;

const code = await main();
// A leftover found at teardown (after main's verdict) has set the exit code already.
process.exitCode = Math.max(code, Number(process.exitCode ?? 0));

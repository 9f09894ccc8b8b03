// The container bench's network rows: `run --rm` on the default bridge beside `--network none`
// (taken in turns, so both see the same load) and what the bridge adds; and a published port's
// first HTTP answer after `run -d -p 127.0.0.1:P:80 ... httpd` has returned. Traffic only to
// 127.0.0.1 (dockerd's: in its own network namespace, see bench-networks.ts).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { docker, timeDocker, type Cli } from './docker-cli.ts';
import type { Figure, Measure } from './report.ts';
import { figures, measureOf, type EngineName, type PerEngine } from './sampling.ts';
import { mean, median, p90 } from './stats.ts';
import { freePort } from '../testing/free-port.ts';

const NONE = ['run', '--rm', '--network', 'none', 'busybox', 'true'];
const BRIDGE = ['run', '--rm', 'busybox', 'true'];
const PROBE = fileURLToPath(new URL('./port-probe.js', import.meta.url));

/** The bridge rows time nothing unless the container really is on the bench's bridge: its
 * eth0 must have an address of `subnets[engine]` (a /24 as "10.1.2."). */
function onTheBridge(cli: Cli, prefix: string | undefined): void {
  const addr = docker(cli, ['run', '--rm', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
  if (!prefix || !addr.includes(` ${prefix}`)) throw new Error(`${cli.engine.name}'s container is not on the bench's bridge (${prefix}0/24): ${addr.trim() || 'no eth0'}`);
}

export function runRmBridge(clis: readonly Cli[], n: number, o: { notes: Partial<Record<EngineName, string>>; prefixes: Partial<Record<EngineName, string>> }): Measure[] {
  const { notes } = o;
  for (const cli of clis) onTheBridge(cli, o.prefixes[cli.engine.name]);
  const none = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  const bridge = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  const warmup = 3;
  for (let i = 0; i < warmup + n; i++) {
    for (const cli of clis) {
      // The order turns each time: work a run leaves behind (its removal's last steps) falls on
      // both kinds alike.
      const pair = [[none, NONE], [bridge, BRIDGE]] as const;
      for (const [results, args] of i % 2 ? [...pair].reverse() : pair) {
        const got = results.get(cli.engine.name);
        if (got instanceof Error) continue;
        try {
          const ms = timeDocker(cli, args);
          if (i >= warmup) got!.push(ms);
        } catch (err) {
          results.set(cli.engine.name, err as Error);
        }
      }
    }
  }
  // Two estimates of what the bridge adds: on a loaded machine they differ by more than the
  // 15 ms the goal allows, and the difference between them says how far to trust either.
  const overhead: PerEngine = new Map();
  const pairs: PerEngine = new Map();
  for (const cli of clis) {
    const name = cli.engine.name;
    const [b, z] = [bridge.get(name)!, none.get(name)!];
    if (b instanceof Error || z instanceof Error) {
      const error = (b instanceof Error ? b : (z as Error)).message;
      overhead.set(name, { error });
      pairs.set(name, { error });
      continue;
    }
    const diffs = b.map((x, i) => x - z[i]!);
    overhead.set(name, { value: median(b) - median(z), ...(notes[name] && { note: notes[name] }) });
    pairs.set(name, { value: median(diffs), samples: diffs.map((x) => Math.round(x * 10) / 10) });
  }
  return [
    measureOf('run_rm_none_paired_median', 'run --rm --network none busybox true, median (in turns with the bridge)', 'ms', figures(none)),
    measureOf('run_rm_bridge_median', 'run --rm busybox true on the default bridge, median', 'ms', figures(bridge), { max: 1 / 3, text: '1/3' }),
    measureOf('run_rm_bridge_p90', 'run --rm busybox true on the default bridge, p90', 'ms', figures(bridge, p90)),
    measureOf('run_rm_bridge_overhead', 'bridge − none, difference of the medians', 'ms', overhead, { max: 15, text: '15 ms', absolute: true }),
    measureOf('run_rm_bridge_overhead_pairs', 'bridge − none, median of the paired differences', 'ms', pairs, { max: 15, text: '15 ms', absolute: true }),
  ];
}


interface Answer { runMs: number; ms: number; firstOk: boolean; firstError?: string }

async function publishOnce(cli: Cli, wrap: readonly string[]): Promise<Answer> {
  const port = await freePort();
  const argv = [...wrap, process.execPath, PROBE, String(port)];
  const probe = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: probe.stdout })[Symbol.asyncIterator]();
  let id = '';
  try {
    if ((await lines.next()).value !== 'ready') throw new Error('the port probe did not start');
    const t0 = performance.now();
    id = docker(cli, ['run', '-d', '-p', `127.0.0.1:${port}:80`, 'busybox', 'httpd', '-f', '-p', '80']).trim();
    const runMs = performance.now() - t0;
    probe.stdin.write('go\n');
    const got = JSON.parse(String((await lines.next()).value)) as { ms?: number; firstOk?: boolean; firstError?: string; error?: string };
    if (got.error !== undefined) throw new Error(got.error);
    return { runMs, ms: got.ms!, firstOk: got.firstOk!, ...(got.firstError && { firstError: got.firstError }) };
  } finally {
    probe.kill();
    if (id) docker(cli, ['rm', '-f', id]);
  }
}

export async function publishedPort(clis: readonly Cli[], n: number, wraps: Partial<Record<EngineName, string[]>>): Promise<Measure[]> {
  const answers = new Map<EngineName, Answer[] | Error>(clis.map((c) => [c.engine.name, []]));
  for (let i = 0; i < 1 + n; i++) {
    for (const cli of clis) {
      const got = answers.get(cli.engine.name);
      if (got instanceof Error) continue;
      try {
        const a = await publishOnce(cli, wraps[cli.engine.name] ?? []);
        if (i >= 1) got!.push(a);
      } catch (err) {
        answers.set(cli.engine.name, err as Error);
      }
    }
  }
  const pick = (f: (a: Answer) => number) => new Map([...answers].map(([k, v]) => [k, v instanceof Error ? v : v.map(f)]));
  const first = figures(pick((a) => a.ms));
  for (const [name, v] of answers) {
    if (v instanceof Error) continue;
    const how = [...new Set(v.flatMap((a) => (a.firstOk || !a.firstError ? [] : [a.firstError])))];
    first.get(name)!.note = `first connect answered in ${v.filter((a) => a.firstOk).length}/${v.length}${how.length ? `; the others: ${how.join(', ')}` : ''}`;
  }
  return [
    measureOf('publish_run_d_median', 'run -d -p 127.0.0.1:P:80 busybox httpd, median', 'ms', figures(pick((a) => a.runMs)), { max: 1, text: '1×' }),
    measureOf('publish_first_answer_median', 'first HTTP answer on 127.0.0.1:P after run -d returned, median', 'ms', first),
    // Issue 10's goal, "ready when run -d returns": the first connect after it is answered.
    measureOf('publish_first_connect_failed', '  first connects after run -d not answered', '%', figures(pick((a) => (a.firstOk ? 0 : 100)), mean), { max: 0, text: '0 %', absolute: true }),
  ];
}

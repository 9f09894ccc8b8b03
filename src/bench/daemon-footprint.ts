// berthd's start-up time and idle memory beside dockerd's (issue 12's two daemon rows): each
// variant is started on a private socket, data-root and exec-root, timed from spawn to its
// first answered `_ping`, left idle, then the RSS and PSS of its whole tree are read: the
// daemon, its descendants, and anything else naming the run's directory (berth-dns and conmon
// run in sessions of their own). Variants run interleaved, one run each per round; medians.
//
//   node dist/bench/daemon-footprint.js [--runs 7] [--idle-ms 3000] [--no-dockerd]
//        [--berthd name=entry.js[,--v8-flag...]]... [--default-bridge] [--listen-cpu]
//
// --berthd: a berthd entry run by this node with those flags (default: bin/berthd with the node
// flags of its first line, as `scripts/bench startup` runs it), or
// a start-up snapshot of it (an entry ending in .blob: `node --snapshot-blob <it> -- <flags>`);
// a flag NAME=value (upper case) is set in its environment instead (MALLOC_ARENA_MAX=2).
// Anon is the tree's private anonymous memory (heaps, stacks): unlike PSS it does not depend on
// how many other node processes share the node binary's pages at the time.
// The floor: daemon-footprint-bare.ts, bundled as CommonJS as berthd's release is
//   (npx esbuild src/bench/daemon-footprint-bare.ts --bundle --platform=node --format=cjs
//    --outfile=/tmp/bare.cjs; --berthd bare=/tmp/bare.cjs); run with NODE_COMPILE_CACHE=<dir>
// to give every node the compile cache bin/berthd's launcher gives the daemon.
// --default-bridge: each berthd (and dockerd) also as a user runs it, with the default bridge and
// firewall, inside a network namespace of its own (unshare -n) so the machine's is never touched;
// its ip and nft sessions end after TOOL_IDLE_MS (5 s) idle: --idle-ms 6000 measures without them.
// A launcher with a code cache made after start: daemon-footprint-codecache.ts.
// --listen-cpu: each berthd also reports its own CPU time up to listening, in microseconds
// (daemon-footprint-probe.ts, preloaded): /proc's ticks are 10 ms, too coarse for small changes.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DOCKERD, pssMiB, removeBenchDir, rssMiB } from './daemons.ts';
import { launcherNodeFlags } from '../soak/soak-daemon.ts';
import { median } from './stats.ts';
import { anonMiB, cpuTimeMs, treeOf } from './daemon-footprint-procs.ts';

const PROBE = new URL('./daemon-footprint-probe.js', import.meta.url).pathname;
/** berthd as installed: bin/berthd (its launcher and code cache) with the node flags of its first line. */
const BIN_BERTHD = new URL('../../bin/berthd', import.meta.url).pathname;

interface Variant { name: string; argv: (dir: string, sock: string) => string[]; env?: Record<string, string> }
interface Sample { readyMs: number; cpuMs: number; listenCpuMs?: number; rss: number; pss: number; anon: number; procs: number }

const isEnv = (flag: string) => /^[A-Z_][A-Z0-9_]*=/.test(flag);

function berthdVariant(spec: string, bridge: boolean, probe: boolean): Variant {
  const [name, rest] = spec.includes('=') ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)] : ['berthd', spec];
  const [entry, ...given] = rest!.split(',');
  const flags = [...given.filter((f) => !isEnv(f)), ...(probe ? [`--import=${PROBE}`] : [])];
  const env = Object.fromEntries(given.filter(isEnv).map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
  return {
    name: `berthd ${name}${given.length ? ` ${given.join(' ')}` : ''}${bridge ? ' (default bridge)' : ''}`,
    env,
    argv: (dir, sock) => {
      writeFileSync(join(dir, 'daemon.json'), '{}');
      // argv is made just before the spawn, which takes this env: the file is this run's.
      if (probe) env['BERTH_FOOTPRINT_PROBE'] = join(dir, 'listen-cpu.json');
      // A V8 start-up snapshot (`node --build-snapshot`) runs without an entry script.
      const program = entry!.endsWith('.blob') ? ['--snapshot-blob', resolve(entry!), '--'] : [resolve(entry!)];
      const a = [process.execPath, ...flags, ...program, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'berthd.pid'), '--config-file', join(dir, 'daemon.json'), '-H', `unix://${sock}`];
      return bridge ? ['unshare', '-n', '--', ...a] : [...a, '--bridge', 'none'];
    },
  };
}

function dockerdVariant(bridge: boolean): Variant {
  return {
    name: `dockerd${bridge ? ' (default bridge)' : ''}`,
    argv: (dir, sock) => {
      writeFileSync(join(dir, 'daemon.json'), '{}');
      const a = [DOCKERD, '--data-root', join(dir, 'docker'), '--exec-root', join(dir, 'docker-exec'), '--pidfile', join(dir, 'docker.pid'), '-H', `unix://${sock}`, '--containerd-namespace', 'berth-bench', '--config-file', join(dir, 'daemon.json')];
      return bridge ? ['unshare', '-n', '--', ...a] : [...a, '--iptables=false', '--bridge=none'];
    },
  };
}

/** One GET /_ping over the socket, in-process (a curl per try would cost more than the wait). */
function ping(sock: string): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ socketPath: sock, path: '/_ping', agent: false }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.end();
  });
}

async function once(v: Variant, idleMs: number): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-footprint-'));
  const sock = join(dir, 'd.sock');
  const argv = v.argv(dir, sock);
  const fd = openSync(join(dir, 'daemon.log'), 'a');
  let child: ChildProcess | undefined;
  try {
    const started = performance.now();
    child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], detached: true, env: { ...process.env, ...v.env } });
    while (!(existsSync(sock) && (await ping(sock)))) {
      if (child.exitCode !== null) throw new Error(`${v.name} exited:\n${readFileSync(join(dir, 'daemon.log'), 'utf8').slice(-4000)}`);
      if (performance.now() - started > 30_000) throw new Error(`${v.name} did not answer within 30 s`);
      await sleep(2);
    }
    const readyMs = performance.now() - started;
    const cpuMs = cpuTimeMs(child.pid!, treeOf(child.pid!, dir));
    const probed = join(dir, 'listen-cpu.json');
    const listenCpuMs = existsSync(probed) ? (JSON.parse(readFileSync(probed, 'utf8')) as { cpuMs: number }).cpuMs : undefined;
    await sleep(idleMs);
    const pids = treeOf(child.pid!, dir);
    return { readyMs, cpuMs, listenCpuMs, rss: rssMiB(pids), pss: pssMiB(pids), anon: anonMiB(pids), procs: pids.length };
  } finally {
    closeSync(fd);
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child!.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(t);
    }
    const left = removeBenchDir(dir);
    if (left.length) process.stderr.write(`${v.name} left behind: ${left.join(', ')}\n`);
  }
}

async function benchMain(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      'idle-ms': { type: 'string', default: '3000' },
      berthd: { type: 'string', multiple: true },
      'default-bridge': { type: 'boolean', default: false },
      'no-dockerd': { type: 'boolean', default: false },
      'listen-cpu': { type: 'boolean', default: false },
    },
  });
  const specs = values.berthd ?? [[`bin=${BIN_BERTHD}`, ...launcherNodeFlags()].join(',')];
  const variants: Variant[] = [];
  for (const bridge of values['default-bridge'] ? [false, true] : [false]) {
    for (const s of specs) variants.push(berthdVariant(s, bridge, values['listen-cpu']));
    if (!values['no-dockerd'] && existsSync(DOCKERD)) variants.push(dockerdVariant(bridge));
  }
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < Number(values.runs); round++) {
    for (const v of variants) samples.get(v.name)!.push(await once(v, Number(values['idle-ms'])));
    process.stderr.write(`round ${round + 1} done\n`);
  }
  const rows = [['variant', 'ready ms', 'CPU ms to ready', 'own CPU ms to listen', 'RSS MiB', 'PSS MiB', 'anon MiB', 'procs']];
  for (const [name, s] of samples) {
    const m = (f: (x: Sample) => number) => median(s.map(f)).toFixed(1);
    const listen = s.flatMap((x) => (x.listenCpuMs === undefined ? [] : [x.listenCpuMs]));
    rows.push([name, m((x) => x.readyMs), m((x) => x.cpuMs), listen.length ? median(listen).toFixed(1) : '-', m((x) => x.rss), m((x) => x.pss), m((x) => x.anon), m((x) => x.procs)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(`| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |\n`);
}

await benchMain();

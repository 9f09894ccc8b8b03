// The startup bench (issue 12's table): `berth version`, `berth ps` and `berth --help` against
// `node -e 0` and the Go docker CLI 28.2; berthd's time to its first /_ping and its idle
// memory (whole process tree) against Debian's dockerd 20.10 (+ its containerd) and a bare
// Node server. Everything measured in one run, interleaved, all in the same environment
// (NODE_EXTRA_CA_CERTS included, as the user's shell has it). It runs the repository's
// bin/berth and bin/berthd, whatever they run (dist/ or the release bundle).
// `scripts/bench startup`; BENCH_N CLI rounds (default 20), BENCH_DAEMON_N daemon rounds
// (default 15), BENCH_IDLE_MS the idle wait before the memory is read (default 3000).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { resultsPath } from './bench-run.ts';
import { DOCKERD, berthdArgv, dockerdArgv, removeBenchDir, stopChild } from './daemons.ts';
import { sampleRounds, type Program, type Samples } from './startup-commands.ts';
import { startupContext } from './startup-context.ts';
import { startTimed, type TimedDaemon } from './startup-daemons.ts';
import { formatStartupTable, startupJson, type StartupRow, type Variant } from './startup-report.ts';
import { bareNodeArgv, berthdInitMs, daemonRounds, type DaemonSamples, type DaemonSpec } from './startup-rounds.ts';

const N = Number(process.env.BENCH_N) || 20;
const DAEMON_N = Number(process.env.BENCH_DAEMON_N) || 15;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS) || 3000;
const BERTH = resolve('bin/berth');
const BERTHD = resolve('bin/berthd');
/** The `node` the shebangs of bin/berth and bin/berthd find. */
const NODE = 'node';
const CLI_OVERHEAD_MS = 15;
/** CommonJS (`node -e`), so node:http comes without its ES-module facade (scripts/bundle.mjs). */
const HTTP_PING = `require('node:http').get({ socketPath: process.env.DOCKER_HOST.slice(7), path: '/_ping' }, (r) => { r.resume(); r.on('end', () => process.stdout.write(r.statusCode + '\\n')); });`;
/** The same over a bare node:net socket, as berth's client does it (src/client/http1.ts). */
const NET_PING = `const s = require('node:net').connect(process.env.DOCKER_HOST.slice(7)); s.end('GET /_ping HTTP/1.1\\r\\nHost: docker\\r\\nConnection: close\\r\\n\\r\\n'); let b = ''; s.on('data', (d) => (b += d)).on('end', () => process.stdout.write(b.slice(9, 12) + '\\n'));`;

let interrupted = false;
const stop = () => {
  interrupted = true;
  console.error('interrupted: stopping after the current run');
};
process.on('SIGINT', stop).on('SIGTERM', stop);

function daemonSpecs(dir: string): DaemonSpec[] {
  const berthd = berthdArgv(dir, { program: [BERTHD] });
  const dockerd = dockerdArgv(dir);
  const nodeSock = join(dir, 'bare-node.sock');
  return [
    { name: 'berthd', ...berthd, logFile: join(dir, 'berthd.log'), selfReportedMs: berthdInitMs },
    { name: 'dockerd', ...dockerd, logFile: join(dir, 'dockerd.log') },
    { name: 'bare node', argv: bareNodeArgv(NODE, nodeSock), sock: nodeSock, logFile: join(dir, 'bare-node.log') },
  ];
}

/** The CLI rows: both daemons up (not timed here), every program in every round. */
async function cliRows(dir: string, specs: DaemonSpec[]): Promise<StartupRow[]> {
  const env = (sock: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(dir, 'client-config') };
    delete e.DOCKER_CONTEXT;
    return e;
  };
  const [berthd, dockerd] = specs as [DaemonSpec, DaemonSpec];
  const running: TimedDaemon[] = [];
  try {
    for (const s of [berthd, dockerd]) running.push(await startTimed(s.argv, s.sock, s.logFile));
    const programs: Program[] = [
      { name: 'true', argv: ['true'], env: env(berthd.sock) },
      { name: 'node -e 0', argv: [NODE, '-e', '0'], env: env(berthd.sock) },
    ];
    // What the CA bundle costs a node start here; every other program keeps it, as the shell has it.
    const caCerts = process.env.NODE_EXTRA_CA_CERTS !== undefined;
    if (caCerts) programs.push({ name: 'node -e 0 without NODE_EXTRA_CA_CERTS', argv: [NODE, '-e', '0'], env: { ...env(berthd.sock), NODE_EXTRA_CA_CERTS: undefined } });
    // The floor of any Node CLI that talks to the daemon: node:http and one /_ping, nothing else.
    programs.push({ name: 'node http _ping', argv: [NODE, '-e', HTTP_PING], env: env(berthd.sock) });
    programs.push({ name: 'node net _ping', argv: [NODE, '-e', NET_PING], env: env(berthd.sock) });
    // The floor of a commander CLI started as berth is: berth's root program, one command, ping + version.
    programs.push({ name: 'commander pipe _ping', argv: [cliFloor(dir), 'version'], env: env(berthd.sock) });
    // What bin/berth's code cache (bin/cli-code-cache.js) saves over Node's compile cache.
    programs.push({ name: 'berth ps, compile cache only', argv: [BERTH, 'ps'], env: { ...env(berthd.sock), BERTH_CODE_CACHE: '0' } });
    for (const cmd of [['version'], ['ps'], ['--help']]) {
      programs.push({ name: `docker ${cmd.join(' ')}`, argv: ['docker', ...cmd], env: env(dockerd.sock) });
      programs.push({ name: `berth ${cmd.join(' ')}`, argv: [BERTH, ...cmd], env: env(berthd.sock) });
    }
    const got = sampleRounds(programs, N, 3, () => interrupted);
    const v = (name: string, field: 'wallMs' | 'cpuMs' = 'wallMs'): Variant => variant(name, got.get(name), field);
    const goal = { kind: 'over-reference', max: CLI_OVERHEAD_MS } as const;
    const cmds = ['version', 'ps', '--help'];
    const key = (cmd: string) => cmd.replace(/-/g, '');
    return [
      ...cmds.map((cmd) => ({ key: `cli_${key(cmd)}`, label: `\`${cmd}\`, wall (${N} rounds)`, unit: 'ms' as const, reference: v('node -e 0'), docker: v(`docker ${cmd}`), berth: v(`berth ${cmd}`), goal })),
      { key: 'node_start', label: `\`node -e 0\` itself, over fork+exec, wall`, unit: 'ms', reference: v('true'), berth: v('node -e 0') },
      { key: 'node_http_ping', label: 'node doing only an HTTP /_ping to berthd over node:http, wall', unit: 'ms', reference: v('node -e 0'), berth: v('node http _ping') },
      { key: 'node_http_ping_cpu', label: 'node doing only an HTTP /_ping to berthd, CPU', unit: 'ms', reference: v('node -e 0', 'cpuMs'), berth: v('node http _ping', 'cpuMs') },
      { key: 'node_net_ping', label: 'node doing only a /_ping over node:net (no node:http, as berth), wall', unit: 'ms', reference: v('node -e 0'), berth: v('node net _ping') },
      { key: 'node_net_ping_cpu', label: 'node doing only a /_ping over node:net, CPU', unit: 'ms', reference: v('node -e 0', 'cpuMs'), berth: v('node net _ping', 'cpuMs') },
      { key: 'cli_floor', label: 'floor: bin/berth\'s launcher running commander, berth\'s root program and one command doing /_ping + /version on a unix socket as berth\'s client does (libuv\'s pipe handle, client/pipe-conn.ts; its text written with writeSync) (scripts/cli-floor.mjs), wall', unit: 'ms', reference: v('node -e 0'), berth: v('commander pipe _ping') },
      { key: 'cli_floor_cpu', label: 'floor: the launcher, commander and one command doing /_ping + /version, CPU', unit: 'ms', reference: v('node -e 0', 'cpuMs'), berth: v('commander pipe _ping', 'cpuMs') },
      { key: 'cli_ps_compile_cache', label: '`ps` with Node\'s compile cache only (BERTH_CODE_CACHE=0), over with the CLI code cache, CPU', unit: 'ms', reference: v('berth ps', 'cpuMs'), berth: v('berth ps, compile cache only', 'cpuMs') },
      ...(caCerts ? [{ key: 'node_ca_certs', label: '`node -e 0` with NODE_EXTRA_CA_CERTS, over without, wall', unit: 'ms' as const, reference: v('node -e 0 without NODE_EXTRA_CA_CERTS'), berth: v('node -e 0') }] : []),
      // The same runs' CPU time: what the load of others on this machine changes least.
      ...cmds.map((cmd) => ({ key: `cli_${key(cmd)}_cpu`, label: `\`${cmd}\`, CPU time (user+sys)`, unit: 'ms' as const, reference: v('node -e 0', 'cpuMs'), docker: v(`docker ${cmd}`, 'cpuMs'), berth: v(`berth ${cmd}`, 'cpuMs') })),
      ...(caCerts ? [{ key: 'node_ca_certs_cpu', label: '`node -e 0` with NODE_EXTRA_CA_CERTS, over without, CPU', unit: 'ms' as const, reference: v('node -e 0 without NODE_EXTRA_CA_CERTS', 'cpuMs'), berth: v('node -e 0', 'cpuMs') }] : []),
    ];
  } finally {
    for (const d of running) await stopChild(d.child);
  }
}

/** The CLI floor's bundle (scripts/cli-floor.mjs), built into the bench's directory. */
function cliFloor(dir: string): string {
  const out = join(dir, 'cli-floor');
  mkdirSync(out);
  execFileSync(NODE, ['scripts/cli-floor.mjs', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(out, 'bin', 'berth');
}

const variant = (name: string, s: Samples | undefined, field: 'wallMs' | 'cpuMs'): Variant =>
  s instanceof Error ? { name, error: s.message } : s?.[field].length ? { name, samples: s[field].map((x) => Math.round(x * 10) / 10) } : { name, error: field === 'cpuMs' ? 'no /usr/bin/python3 to read rusage' : 'not measured' };

function daemonRows(got: Map<string, DaemonSamples>): StartupRow[] {
  type Field = 'readyMs' | 'rssMiB' | 'pssMiB' | 'selfReportedMs';
  const pick = (name: string, field: Field, label: string): Variant => {
    const s = got.get(name);
    if (!s || s.error) return { name: label, error: s?.error ?? 'not measured' };
    return { name: label, samples: s[field].map((x) => Math.round(x * 10) / 10) };
  };
  const trees = (name: string) => [...(got.get(name)?.programs ?? [])].join('+') || name;
  const half = { kind: 'of-docker', max: 1 / 2, text: '1/2' } as const;
  const row = (key: string, label: string, field: Field, unit: 'ms' | 'MiB', tree = false): StartupRow => ({
    key,
    label,
    unit,
    reference: pick('bare node', field, 'bare node'),
    docker: pick('dockerd', field, tree ? trees('dockerd') : 'dockerd'),
    berth: pick('berthd', field, tree ? trees('berthd') : 'berthd'),
    goal: half,
  });
  return [
    row('daemon_ready', `daemon start to first /_ping (${DAEMON_N} rounds)`, 'readyMs', 'ms'),
    { key: 'berthd_self_init', label: 'berthd: main() to listening, by its own log (ms=)', unit: 'ms', berth: pick('berthd', 'selfReportedMs', 'berthd') },
    row('idle_rss', `idle RSS of the process tree after ${IDLE_MS / 1000} s`, 'rssMiB', 'MiB', true),
    row('idle_pss', `idle PSS of the process tree after ${IDLE_MS / 1000} s`, 'pssMiB', 'MiB', true),
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-startup-bench-'));
  mkdirSync(join(dir, 'client-config'));
  const specs = daemonSpecs(dir);
  const rows: StartupRow[] = [];
  const before = startupContext({ berth: BERTH, dockerd: DOCKERD });
  // bin/launch.js runs dist/bin/ when it is newer than the bundle (a tsc build after `make build`).
  if (!before.berthRuns.includes('dist/release/')) console.error(`note: bin/berth runs ${before.berthRuns}, not the release bundle (make build makes it)`);
  try {
    console.error(`==> CLI start-up: ${N} rounds of true, node -e 0, docker and berth version / ps / --help`);
    rows.push(...(await cliRows(dir, specs)));
    console.error(`==> daemons: ${DAEMON_N} rounds of start, ${IDLE_MS} ms idle, memory, stop (berthd, dockerd, bare node)`);
    rows.push(...daemonRows(await daemonRounds(specs, { n: DAEMON_N, warmup: 1, idleMs: IDLE_MS, interrupted: () => interrupted })));
  } finally {
    const leftovers = removeBenchDir(dir);
    if (leftovers.length > 0) console.error(`cleaned up what the daemons left: ${leftovers.join(', ')}`);
  }
  const results = resultsPath('startup');
  console.log(`\nstartup bench: ${before.date}, ${before.cpu} × ${before.cores}, load ${before.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`node ${before.node}, docker CLI ${before.dockerCli}, dockerd ${before.dockerd}, ${before.berth}`);
  console.log(`bin/berth runs ${before.berthRuns}, bin/berthd ${before.berthdRuns}; NODE_EXTRA_CA_CERTS=${before.env.NODE_EXTRA_CA_CERTS ?? '(unset)'}\n`);
  console.log(formatStartupTable(rows));
  mkdirSync(dirname(results), { recursive: true });
  writeFileSync(results, startupJson(rows, { ...before, n: N, daemonN: DAEMON_N, idleMs: IDLE_MS, loadavgAfter: loadavg() }));
  console.log(`\nresults: ${results}`);
}

await main();

// What the startup bench's figures depend on besides the code: the machine, its load, the
// versions of the programs compared, what bin/berth runs, and the environment variables that
// change how fast node starts (NODE_EXTRA_CA_CERTS makes every node read a CA bundle).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { cpus, loadavg, release, totalmem } from 'node:os';

const NODE_VARS = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE'];

export function startupContext(o: { berth: string; dockerd: string }) {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    loadavgBefore: loadavg(),
    node: firstLine(['node', '--version']),
    dockerCli: firstLine(['docker', '--version']),
    dockerd: firstLine([o.dockerd, '--version']),
    berth: firstLine([o.berth, '--version']),
    berthRuns: programFile(o.berth, 'berth'),
    berthdRuns: programFile(o.berth, 'berthd'),
    env: Object.fromEntries(NODE_VARS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
  };
}

function firstLine(argv: string[]): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
  } catch (err) {
    return `(${argv.join(' ')} failed: ${(err as Error).message.split('\n')[0]})`;
  }
}

/** The file bin/<name> runs: what bin/launch.js picks (the release bundle, or a newer tsc build),
 * or without a launcher the line of bin/<name> that loads it. */
function programFile(berth: string, name: string): string {
  const bin = dirname(berth);
  const launcher = resolve(bin, 'launch.js');
  if (existsSync(launcher)) {
    const { programFile: pick } = createRequire(launcher)(launcher) as { programFile: (n: string) => string };
    return relative(join(bin, '..'), pick(name));
  }
  return readFileSync(join(bin, name), 'utf8').split('\n').find((l) => /import\(|require\(/.test(l))?.trim() ?? '?';
}

// berth stop, kill, wait and logs.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { ExitCode } from '../exit-code.ts';
import { Demuxer } from '../../api/types/stdcopy.ts';
import { toApiTimestamp } from '../time-arg.ts';

/** Runs `fn` for each container, printing its name; like docker, one failure does not stop the rest. */
export async function each(env: CliEnv, names: string[], fn: (name: string) => Promise<unknown>, print = true): Promise<void> {
  let failed = false;
  for (const name of names) {
    try {
      const out = await fn(name);
      env.out.write(`${print ? name : String(out)}\n`);
    } catch (err) {
      failed = true;
      env.err.write(`Error response from daemon: ${(err as Error).message}\n`);
    }
  }
  if (failed) throw new ExitCode(1);
}

export function addControlCommands(parent: Command, getEnv: () => CliEnv): void {
  parent.command('stop').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Stop one or more running containers')
    .argument('<containers...>')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .option('-t, --timeout <int>', 'Seconds to wait before killing the container', (v) => Number.parseInt(v, 10))
    .action((names: string[], f: { signal?: string; timeout?: number }) => each(getEnv(), names, (n) => getEnv().client().containers.stop(n, f.timeout, f.signal)));
  parent.command('kill').usage('[OPTIONS] CONTAINER [CONTAINER...]').description('Kill one or more running containers')
    .argument('<containers...>')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .action((names: string[], f: { signal?: string }) => each(getEnv(), names, (n) => getEnv().client().containers.kill(n, f.signal)));
  parent.command('wait').usage('CONTAINER [CONTAINER...]').description('Block until one or more containers stop, then print their exit codes')
    .argument('<containers...>')
    .action((names: string[]) => each(getEnv(), names, (n) => getEnv().client().containers.wait(n, 'not-running'), false));
  parent.command('logs').usage('[OPTIONS] CONTAINER').description('Fetch the logs of a container')
    .argument('<container>')
    .option('-f, --follow', 'Follow log output')
    .option('--since <string>', 'Show logs since timestamp or relative (e.g. 42m for 42 minutes)')
    .option('--until <string>', 'Show logs before a timestamp or relative (e.g. 42m for 42 minutes)')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .action((name: string, f: { follow?: boolean; since?: string; until?: string; tail: string; timestamps?: boolean }) => logs(getEnv(), name, f));
}

async function logs(env: CliEnv, name: string, f: { follow?: boolean; since?: string; until?: string; tail: string; timestamps?: boolean }): Promise<void> {
  const containers = env.client().containers;
  const tty = (await containers.inspect(name)).Config.Tty;
  const res = await containers.logs(name, {
    tail: f.tail, ...(f.follow && { follow: true }), ...(f.timestamps && { timestamps: true }),
    ...(f.since && { since: toApiTimestamp(f.since) }), ...(f.until && { until: toApiTimestamp(f.until) }),
  });
  await new Promise<void>((resolve, reject) => {
    const sink = tty ? env.out : new Demuxer({ stdout: env.out, stderr: env.err });
    res.pipe(sink as NodeJS.WritableStream);
    (tty ? res : (sink as Demuxer).resume()).on('end', resolve).on('error', reject);
  });
}

// `docker logs` of a container that printed `lines` lines: the last ten, and all of it to
// /dev/null. The output is checked once, untimed, so a fast wrong answer is not a win.
import { docker, removeAllContainers, timeDocker, type Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, sampleInterleaved, type EngineName } from './sampling.ts';

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}\n`).join('');

export function logs(clis: Cli[], nTail: number, nFull: number, lines: number): Measure[] {
  const ready: Cli[] = [];
  const ids = new Map<EngineName, string>();
  const failed = new Map<EngineName, Error>();
  const wrong = new Map<EngineName, string>();
  for (const cli of clis) {
    try {
      const id = docker(cli, ['run', '-d', '--network', 'none', 'busybox', 'seq', '1', String(lines)]).trim();
      ids.set(cli.engine.name, id);
      const code = docker(cli, ['wait', id]).trim();
      if (code !== '0') throw new Error(`seq exited with ${code}`);
      const problems: string[] = [];
      if (docker(cli, ['logs', '--tail', '10', id]) !== numbers(lines - 9, lines)) problems.push('--tail output wrong');
      const full = docker(cli, ['logs', id]);
      if (full !== numbers(1, lines)) problems.push(`full output wrong (${full.split('\n').length - 1} lines)`);
      if (problems.length > 0) wrong.set(cli.engine.name, problems.join(', '));
      ready.push(cli);
    } catch (err) {
      failed.set(cli.engine.name, err as Error);
    }
  }
  const id = (cli: Cli) => ids.get(cli.engine.name)!;
  const tail = sampleInterleaved(ready, nTail, 2, (cli) => timeDocker(cli, ['logs', '--tail', '10', id(cli)]));
  const full = sampleInterleaved(ready, nFull, 1, (cli) => timeDocker(cli, ['logs', id(cli)]));
  for (const [name, err] of failed) {
    tail.set(name, err);
    full.set(name, err);
  }
  for (const cli of clis) removeAllContainers(cli);
  const tailFigures = figures(tail);
  const fullFigures = figures(full);
  for (const [name, problem] of wrong) {
    tailFigures.get(name)!.note = problem;
    fullFigures.get(name)!.note = problem;
  }
  const k = `${Math.round(lines / 1000)}k`;
  return [
    measureOf('logs_tail_10_median', `logs --tail 10, ${k}-line log, median`, 'ms', tailFigures, { max: 1, text: '1×' }),
    measureOf('logs_full_median', `logs (all) > /dev/null, ${k}-line log, median`, 'ms', fullFigures, { max: 1 / 2, text: '1/2' }),
  ];
}

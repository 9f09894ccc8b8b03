// Reading what `docker build` (classic builder) printed: the steps with what each printed, the
// built id, and the containers the daemon created meanwhile (its events), so the end-to-end
// tests compare structure rather than whole texts with ids in them.
import type { BuildDaemon } from './build-daemon.ts';

export interface Step {
  n: number;
  total: number;
  /** The instruction as printed after "Step n/m : ". */
  text: string;
  /** The lines the step printed after its header. */
  lines: string[];
}

export function stepsOf(stdout: string): Step[] {
  const steps: Step[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Successfully built ')) break;
    const head = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
    if (head) steps.push({ n: Number(head[1]), total: Number(head[2]), text: head[3]!, lines: [] });
    else steps.at(-1)?.lines.push(line);
  }
  return steps;
}

/** The 12-hex id a step ended with (" ---> 0123456789ab"). */
export function stepImage(step: Step): string | undefined {
  return step.lines.map((l) => /^ ---> ([0-9a-f]{12})$/.exec(l)?.[1]).filter(Boolean).at(-1);
}

export function builtId(stdout: string): string | undefined {
  return /^Successfully built ([0-9a-f]{12})$/m.exec(stdout)?.[1];
}

/** A build's output with what differs from run to run (ids, sizes, the random name of a
 * Dockerfile sent from outside the context), docker's notice about the legacy builder and the
 * CLI's own name taken out, so that berth's and docker's output compare whole. */
export function comparableOutput(s: string): string {
  return s
    .replace(/^DEPRECATED: The legacy builder[^]*?environment-variable\.\n\n/, '')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<id>')
    .replace(/(Sending build context to Docker daemon) +[0-9.]+k?B/g, '$1 <size>')
    .replace(/\.dockerfile\.[0-9a-f]{20}/g, '.dockerfile.<random>')
    .replaceAll('docker', 'berth');
}

/** The CLI's stderr without the legacy builder's deprecation notice. */
export function withoutNotice(stderr: string): string {
  return stderr.replace(/DEPRECATED: The legacy builder is deprecated[^\n]*\n(?: {4,}[^\n]*\n)*/g, '').trim();
}

/** Docker's "seconds.nanoseconds" for events' since/until. */
export function unixTime(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String(Math.round((ms % 1000) * 1e6)).padStart(9, '0')}`;
}

/** What happened to containers between two instants (Date.now() values): "create", "start"... */
export async function containerActions(f: BuildDaemon, sinceMs: number, untilMs: number): Promise<string[]> {
  const r = await f.docker(['events', '--since', unixTime(sinceMs), '--until', unixTime(untilMs), '--filter', 'type=container', '--format', '{{.Action}}']);
  if (r.code !== 0) throw new Error(`docker events: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

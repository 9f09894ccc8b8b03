// "An ARG used before its definition": docker expands such a variable to nothing, silently —
// in words the builder expands (ENV X=$V) and in RUN scripts the shell expands. berth builds
// the same way but says so, naming both lines, so the usual mistake (ARG after its use) shows.
import type { At, Instruction } from '../dockerfile/types.ts';
import type { StageRun } from './build-run.ts';
import { expansionEnv } from './state.ts';

/** The line of an ARG declaring `name` after `line` in the stage, if any. */
export function laterArg(sr: StageRun, name: string, line: number): number | undefined {
  const arg = sr.instructions.find((i) => i.kind === 'ARG' && i.at.line > line && i.args.some((a) => a.name === name));
  return arg?.at.line;
}

/** The message for an undefined variable met at `at`. */
export function undefinedMessage(sr: StageRun | undefined, dockerfile: string, name: string, at: At): string {
  const later = sr === undefined ? undefined : laterArg(sr, name, at.line);
  const why = later === undefined ? `variable ${name} is not defined` : `variable ${name} is used before ARG ${name} (line ${later}) declares it`;
  return `[Warning] ${dockerfile}:${at.line}: ${why}: it expands to an empty string\n`;
}

/** RUN's shell script: variables the shell will find empty because their ARG comes later. */
export function warnEarlyArgs(sr: StageRun, inst: Extract<Instruction, { kind: 'RUN' }>): void {
  if (inst.command.form !== 'shell') return;
  const env = expansionEnv(sr.st);
  const names = new Set([...inst.command.script.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
  for (const name of names) {
    if (env.has(name) || laterArg(sr, name, inst.at.line) === undefined) continue;
    sr.lane.stream(undefinedMessage(sr, sr.run.ctx.dockerfile.name, name, inst.at));
  }
}

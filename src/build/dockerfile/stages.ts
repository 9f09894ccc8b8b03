// Which stages a build needs, and in what order they may run. A stage needs another when its
// FROM names an earlier stage, or a COPY --from names an earlier stage or its index (names are
// case-insensitive; a name that is no earlier stage is an image, as in the classic builder).
// Stages the target does not reach are not built at all.
import { DockerfileError, type ParsedDockerfile, type Stage } from './types.ts';

export interface StagePlan {
  /** The stage the build ends with (`--target`, or the last one). */
  target: Stage;
  /** The needed stages in Dockerfile order — every stage after the ones it needs. */
  stages: Stage[];
  /** Stage index → the indexes of the stages it needs directly (each needed stage has an entry). */
  needs: Map<number, number[]>;
}

/** Resolves a stage's FROM image word (expanded with the meta ARGs) — the engine's job. */
export type ResolveFrom = (s: Stage) => string;
/** Expands a COPY --from word in its stage, if the engine allows variables there. */
export type ExpandCopyFrom = (word: string, s: Stage) => string;

export function stagePlan(parsed: ParsedDockerfile, target: string | undefined, resolveFrom: ResolveFrom, expandCopyFrom: ExpandCopyFrom = (w) => w): StagePlan {
  const end = target === undefined ? parsed.stages.at(-1) : parsed.stages.find((s) => s.name === target.toLowerCase());
  if (!end) throw new DockerfileError(`failed to reach build target ${target} in Dockerfile`);
  const needs = new Map<number, number[]>();
  const visit = (s: Stage): void => {
    if (needs.has(s.index)) return;
    const direct = stageNeeds(parsed.stages, s, resolveFrom, expandCopyFrom);
    needs.set(s.index, direct);
    for (const i of direct) visit(parsed.stages[i]!);
  };
  visit(end);
  const stages = parsed.stages.filter((s) => needs.has(s.index));
  return { target: end, stages, needs };
}

/**
 * The needed stages in waves: `result[0]` needs no other stage, and every stage in
 * `result[k]` needs only stages of earlier waves (at least one of `result[k-1]`). The stages of
 * one wave are independent of each other and may be built concurrently; the last wave is the
 * target alone. A finer schedule (start a stage as soon as its own needs are done) can use
 * `stagePlan(...).needs`.
 */
export function neededStages(parsed: ParsedDockerfile, target: string | undefined, resolveFrom: ResolveFrom, expandCopyFrom?: ExpandCopyFrom): Stage[][] {
  const plan = stagePlan(parsed, target, resolveFrom, expandCopyFrom);
  const wave = new Map<number, number>();
  for (const s of plan.stages) wave.set(s.index, Math.max(-1, ...plan.needs.get(s.index)!.map((i) => wave.get(i)!)) + 1);
  const waves: Stage[][] = [];
  for (const s of plan.stages) (waves[wave.get(s.index)!] ??= []).push(s);
  return waves; // every other needed stage is an ancestor of the target: it is alone, last
}

function stageNeeds(stages: readonly Stage[], s: Stage, resolveFrom: ResolveFrom, expandCopyFrom: ExpandCopyFrom): number[] {
  const out = new Set<number>();
  const byName = (name: string) => stages.find((o) => o.index < s.index && o.name === name.toLowerCase());
  const base = byName(resolveFrom(s));
  if (base) out.add(base.index);
  for (const ins of s.instructions) {
    if (ins.kind !== 'COPY' || ins.from === undefined) continue;
    const from = expandCopyFrom(ins.from, s);
    const named = byName(from);
    if (named) out.add(named.index);
    else if (/^[+-]?\d+$/.test(from)) {
      const i = Number(from);
      if (i < 0 || i >= s.index) throw new DockerfileError(`invalid stage index ${i}`, ins.at.line);
      out.add(i);
    }
  }
  return [...out].sort((a, b) => a - b);
}

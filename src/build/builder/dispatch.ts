// One instruction of a stage: RUN, COPY/ADD and WORKDIR make layers; everything else changes
// the config only and is committed as a config-only image (dockerd's `#(nop) ` history).
// Errors leave here naming the instruction's line.
import { BerthError, type ErrorKind } from '../../api/types/errors.ts';
import { DockerfileError, type Instruction } from '../dockerfile/types.ts';
import { expander, type BuildRun, type Expander, type StageRun } from './build-run.ts';
import { cachedStep } from './cache.ts';
import { copyStep } from './copy-step.ts';
import { BuildCancelledError } from './errors.ts';
import { applyMetadata } from './metadata.ts';
import { warnEarlyArgs } from './arg-order.ts';
import { runStep } from './run-step.ts';
import { nopComment, stepMeta } from './state.ts';
import { workdirStep } from './workdir-step.ts';

/** Instructions the builder makes itself (the build's --label options): not expanded. */
export const LITERAL = new WeakSet<Instruction>();
const asIs: Expander = { word: (s) => s, words: (s) => [s], heredoc: (s) => s };

/** An error of a step, with the step's line; `kind` kept from the BerthError it wraps. */
export class StepError extends DockerfileError {
  readonly kind: ErrorKind | undefined;
  constructor(err: Error, line: number) {
    super(err.message, line);
    this.kind = err instanceof BerthError ? err.kind : undefined;
    this.cause = err;
  }
}

export async function dispatch(sr: StageRun, inst: Instruction): Promise<void> {
  if (sr.run.signal.aborted) throw new BuildCancelledError();
  try {
    await dispatchOne(sr, inst);
  } catch (err) {
    throw withLine(sr.run, err, inst.at.line);
  }
}

/** The error a step ends the build with: cancelled, or naming the step's line. */
export function withLine(run: BuildRun, err: unknown, line: number): unknown {
  if (run.signal.aborted) return err instanceof BuildCancelledError || !(err instanceof Error) ? err : new BuildCancelledError();
  if (!(err instanceof Error) || (err instanceof DockerfileError && err.line !== undefined)) return err;
  return new StepError(err, line);
}

async function dispatchOne(sr: StageRun, inst: Instruction): Promise<void> {
  const x = LITERAL.has(inst) ? asIs : expander(sr, sr.run, inst.at, sr.lane);
  switch (inst.kind) {
    case 'RUN':
      warnEarlyArgs(sr, inst);
      return runStep(sr, inst);
    case 'COPY':
    case 'ADD':
      return copyStep(sr, inst, x);
    case 'WORKDIR':
      return workdirStep(sr, inst, x);
    default: {
      const createdBy = nopComment(sr.st.config, applyMetadata(sr, inst, x));
      const config = structuredClone(sr.st.config);
      return cachedStep(sr, createdBy, () => sr.run.host.commitConfig(sr.st.image, config, createdBy, stepMeta(sr.st)));
    }
  }
}

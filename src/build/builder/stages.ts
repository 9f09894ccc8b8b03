// The stages of one build, run concurrently: every needed stage starts at once and waits only
// where it needs another (FROM <stage>, COPY --from=<stage>) by awaiting that stage's promise —
// the dependency order comes from the waits themselves, so no graph is kept. Each stage writes
// to its lane of the OrderedOutput (output.ts). The first failure aborts the others (their RUN
// containers are stopped and removed) and is the error of the build.
import { DockerfileError, type Instruction, type Stage } from '../dockerfile/types.ts';
import type { BuildRun, StageRun } from './build-run.ts';
import { expander } from './build-run.ts';
import { dispatch, withLine } from './dispatch.ts';
import type { Lane, OrderedOutput } from './output.ts';
import { shortId, stageState } from './state.ts';

export interface PlannedStage {
  stage: Stage;
  /** The stage's instructions (the last stage also gets the --label ones). */
  instructions: Instruction[];
  /** Step number of its FROM. */
  firstStep: number;
}

export type StageResults = Map<number, Promise<string | undefined>>;

/** Runs the planned stages (in file order); resolves the last one's image. */
export async function runStages(run: BuildRun, planned: PlannedStage[], total: number, output: OrderedOutput, results: StageResults, abort: AbortController): Promise<string | undefined> {
  const failed: { err?: unknown } = {};
  const all = planned.map((p, i) => {
    const done = runStage(run, p, total, output.lane(i)).finally(() => output.finish(i));
    results.set(p.stage.index, done);
    done.catch((err: unknown) => {
      if (!('err' in failed)) failed.err = err;
      abort.abort();
    });
    return done;
  });
  await Promise.allSettled(all);
  if ('err' in failed) {
    output.flushAll();
    throw failed.err;
  }
  return all.length ? all[all.length - 1] : undefined;
}

async function runStage(run: BuildRun, p: PlannedStage, total: number, lane: Lane): Promise<string | undefined> {
  let n = p.firstStep;
  const step = (text: string) => lane.stream(`Step ${n++}/${total} : ${text}\n`);
  step(p.stage.from.at.text);
  const sr = await fromStep(run, p, lane).catch((err: unknown) => {
    throw withLine(run, err, p.stage.from.at.line);
  });
  lane.stream(` ---> ${shortId(sr.st.image)}\n`);
  for (const inst of p.instructions) {
    step(inst.at.text);
    await dispatch(sr, inst);
    lane.stream(` ---> ${shortId(sr.st.image)}\n`);
  }
  if (sr.st.image !== undefined) lane.aux({ ID: sr.st.image });
  return sr.st.image;
}

/** FROM: the base (an earlier stage, scratch, or an image), then its ONBUILD triggers. */
async function fromStep(run: BuildRun, p: PlannedStage, lane: Lane): Promise<StageRun> {
  const { stage } = p;
  const at = stage.from.at;
  const x = expander(undefined, run, at, lane, run.args.metaEnv());
  const name = x.word(stage.from.image);
  if (name === '') throw new DockerfileError(`base name (${stage.from.image}) should not be blank`, at.line);
  let image: string | undefined;
  let config;
  const earlier = run.stageImage(name, stage.index, false);
  if (earlier !== undefined) {
    image = await earlier;
    config = image === undefined ? undefined : run.host.imageConfig(image).config;
  } else if (name.toLowerCase() !== 'scratch') {
    const platform = stage.from.platform === undefined ? run.opts.platform : x.word(stage.from.platform);
    const base = await run.baseImage(name, platform, lane);
    image = base.id;
    config = base.config.config;
  }
  const sr: StageRun = { run, index: stage.index, instructions: p.instructions, st: stageState(config, run.args.stage()), lane };
  sr.st.image = image;
  const triggers = sr.st.config.OnBuild ?? [];
  if (triggers.length > 0) {
    delete sr.st.config.OnBuild;
    lane.stream(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
    for (const t of triggers) {
      await dispatch(sr, run.fe.parseTrigger(t, run.escape, at.line));
    }
  }
  return sr;
}

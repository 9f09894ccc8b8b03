// One build, start to end, as dockerd 20.10's classic builder prints it: meta ARG steps, then
// the needed stages (concurrently, output in order), the unused build-args warning, the image
// id (aux, one per stage as dockerd), "Successfully built", the tags.
// Where berth differs from dockerd on purpose:
//  - stages the target does not need are neither run nor counted in "Step i/n" (dockerd runs
//    every stage up to the target; BuildKit skips them; berth skips them);
//  - config-only steps make no container, so they print no " ---> Running in" / "Removing
//    intermediate container" lines (dockerd creates and removes one for each);
//  - a failed RUN's container is removed with rm as with forcerm (the issue asks for none left);
//  - warnings name the Dockerfile line of a variable nothing defines, or an ARG used before it
//    is declared (docker expands both to nothing, silently).
// The --label options become LABEL steps at the end of the last stage, as dockerd adds them.
// q=1 is the router's business: it holds this output back and shows it only on failure.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';
import type { BuildContext } from '../context/types.ts';
import type { Instruction, ParsedDockerfile, Stage } from '../dockerfile/types.ts';
import type { BaseImage, BuildHost } from '../host.ts';
import type { BuildOptions, BuildOutput } from '../options.ts';
import { BuildArgs } from './build-args.ts';
import { expander, type BuildRun } from './build-run.ts';
import { LITERAL } from './dispatch.ts';
import type { Frontend } from './frontend.ts';
import { OrderedOutput, type Lane } from './output.ts';
import { runStages, type PlannedStage, type StageResults } from './stages.ts';
import { CacheFrom } from './cache-from.ts';
import { Slots } from './slots.ts';
import { shortId } from './state.ts';

export async function runBuild(fe: Frontend, ctx: BuildContext, opts: BuildOptions, host: BuildHost, out: BuildOutput, signal: AbortSignal, where: { scratchDir?: string } = {}): Promise<{ imageId: string }> {
  const parsed = fe.parseDockerfile(ctx.dockerfile.text);
  const abort = new AbortController();
  const results: StageResults = new Map();
  let scratch: Promise<string> | undefined;
  const bases = new Map<string, Promise<BaseImage>>();
  const run: BuildRun = {
    fe, ctx, opts, host, escape: parsed.directives.escape, args: new BuildArgs(opts.buildArgs),
    signal: AbortSignal.any([signal, abort.signal]),
    stageImage: (ref, before, byIndex) => stageImage(parsed, results, ref, before, byIndex),
    scratchDir: () => (scratch ??= mkdtemp(join(where.scratchDir ?? tmpdir(), 'steps-'))),
    runSlots: new Slots(Math.max(2, availableParallelism())),
    cacheFrom: undefined,
    baseImage: (ref, platform, lane) => {
      const key = `${ref}\0${platform ?? ''}`;
      let got = bases.get(key);
      if (!got) bases.set(key, (got = host.baseImage(ref, { pull: opts.pull, platform, progress: (l) => lane.stream(l.endsWith('\n') ? l : `${l}\n`), signal: run.signal })));
      return got;
    },
  };
  try {
    printParserWarnings(parsed, out);
    run.cacheFrom = CacheFrom.open(host, opts.cacheFrom, (w) => out.stream(w));
    if (parsed.directives.syntax !== undefined) out.stream(`[Warning] # syntax=${parsed.directives.syntax} is ignored: berth builds with its own Dockerfile frontend\n`);
    const image = await buildStages(run, parsed, out, results, abort);
    const unused = run.args.unconsumed();
    if (unused.length > 0) out.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    if (image === undefined) throw invalidParameter('No image was generated. Is your Dockerfile empty?');
    out.stream(`Successfully built ${shortId(image)}\n`);
    if (opts.tags.length > 0) host.tag(image, opts.tags);
    for (const t of opts.tags) out.stream(`Successfully tagged ${t}\n`);
    return { imageId: image };
  } finally {
    if (scratch) await rm(await scratch, { recursive: true, force: true });
  }
}

async function buildStages(run: BuildRun, parsed: ParsedDockerfile, out: BuildOutput, results: StageResults, abort: AbortController): Promise<string | undefined> {
  // Meta ARGs first (their warnings held for their steps): FROM lines expand with them, and
  // neededStages must see those to tell `FROM $STAGE` from an image.
  const metaWarnings = parsed.metaArgs.map((m) => {
    const held: string[] = [];
    const lane: Lane = { stream: (t) => held.push(t), aux: () => {} };
    run.args.addMeta(m.name, m.default === undefined ? undefined : expander(undefined, run, m.at, lane, run.args.metaEnv()).word(m.default));
    return held;
  });
  // An ARG of a stage this build skips still names a build arg the Dockerfile knows: no
  // "not consumed" warning for it (dockerd, which runs every stage, would not give one).
  for (const s of parsed.stages) for (const i of s.instructions) if (i.kind === 'ARG') for (const a of i.args) run.args.reference(a.name);
  const quietLane: Lane = { stream: () => {}, aux: () => {} };
  const needed = neededInOrder(run.fe.neededStages(parsed, run.opts.target, (s) => expander(undefined, run, s.from.at, quietLane, run.args.metaEnv()).word(s.from.image)));
  const labels = labelInstructions(run.opts.labels, needed.at(-1));
  const total = parsed.metaArgs.length + needed.reduce((n, s) => n + 1 + s.instructions.length, 0) + labels.length;
  let n = 1;
  parsed.metaArgs.forEach((m, i) => {
    out.stream(`Step ${n++}/${total} : ${m.at.text}\n`);
    for (const w of metaWarnings[i]!) out.stream(w);
  });
  const planned: PlannedStage[] = needed.map((stage, i) => {
    const instructions = i === needed.length - 1 ? [...stage.instructions, ...labels] : stage.instructions;
    const p = { stage, instructions, firstStep: n };
    n += 1 + instructions.length;
    return p;
  });
  return runStages(run, planned, total, new OrderedOutput(out, planned.length), results, abort);
}

/** neededStages groups stages for concurrency; berth's scheduler only needs the set. */
function neededInOrder(groups: Stage[][]): Stage[] {
  const byIndex = new Map(groups.flat().map((s) => [s.index, s]));
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** --label k=v: one LABEL step each, keys sorted, values taken literally (dockerd's rule). */
function labelInstructions(labels: Record<string, string>, last: Stage | undefined): Instruction[] {
  const line = last?.instructions.at(-1)?.at.line ?? last?.from.at.line ?? 0;
  return Object.keys(labels).sort().map((k) => {
    const inst: Instruction = { kind: 'LABEL', at: { line, text: `LABEL ${k}=${labels[k]}` }, pairs: [[k, labels[k]!]] };
    LITERAL.add(inst);
    return inst;
  });
}

/** An earlier stage named `ref` (by AS name; by index too for COPY --from). */
function stageImage(parsed: ParsedDockerfile, results: StageResults, ref: string, before: number, byIndex: boolean): Promise<string | undefined> | undefined {
  const lower = ref.toLowerCase();
  const named = parsed.stages.find((s) => s.index < before && s.name === lower);
  const index = named?.index ?? (byIndex && /^\d+$/.test(ref) && Number(ref) < before ? Number(ref) : undefined);
  if (index === undefined) return undefined;
  const result = results.get(index);
  if (result === undefined) throw invalidParameter(`stage ${ref} is not part of this build (not needed by the target)`);
  return result;
}

/** The parser's warnings (empty continuation lines), as dockerd 20.10 prints them first. */
function printParserWarnings(parsed: ParsedDockerfile, out: BuildOutput): void {
  const warnings = (parsed as { warnings?: { line: number; message: string }[] }).warnings ?? [];
  for (const w of warnings) out.stream(`[WARNING]: ${w.message}\n`);
  if (warnings.length > 0) out.stream('[WARNING]: Empty continuation lines will become errors in a future release.\n');
}

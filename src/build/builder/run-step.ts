// RUN: a container of the stage's image runs the command with the stage's config plus the
// build args in scope (in its env only: dockerd's rule — they never reach the image's config,
// but they do reach the history text "|1 A=b /bin/sh -c ...", which is how the cache tells two
// builds with different args apart). The container is committed, then removed.
import { StringDecoder } from 'node:string_decoder';
import type { HostConfig } from '../../api/types/engine-api.ts';
import type { ContainerConfig } from '../../image/types.ts';
import { DockerfileError, type Instruction } from '../dockerfile/types.ts';
import type { StepImage } from '../host.ts';
import type { BuildOptions } from '../options.ts';
import type { StageRun } from './build-run.ts';
import { cachedStep } from './cache.ts';
import { BuildCancelledError } from './errors.ts';
import { resolveCommand } from './metadata.ts';
import { shortId, stepMeta } from './state.ts';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A RUN that exited non-zero: `exitCode` is dockerd's errorDetail.code (the router reads it). */
export class CommandFailedError extends DockerfileError {
  readonly exitCode: number;
  constructor(cmd: readonly string[], code: number, line: number) {
    super(`The command '${cmd.join(' ')}' returned a non-zero code: ${code}`, line);
    this.exitCode = code;
  }
}

export function runHostConfig(opts: BuildOptions, network: string | undefined): HostConfig {
  const mode = network === undefined || network === 'default' ? opts.networkMode : network;
  const hc: HostConfig = { NetworkMode: mode, ExtraHosts: opts.extraHosts.length ? opts.extraHosts : null, ShmSize: opts.shmSize, Memory: opts.memory, MemorySwap: opts.memorySwap, CpuShares: opts.cpuShares, CpusetCpus: opts.cpuSetCpus, CpuPeriod: opts.cpuPeriod, CpuQuota: opts.cpuQuota };
  for (const k of Object.keys(hc) as (keyof HostConfig)[]) if (hc[k] === undefined || hc[k] === null) delete hc[k];
  return hc;
}

export async function runStep(sr: StageRun, inst: Extract<Instruction, { kind: 'RUN' }>): Promise<void> {
  const { st, run } = sr;
  const cmd = resolveCommand(inst.command, st.config);
  const argEnv = st.args.runEnv(st.config.Env);
  const saved = argEnv.length > 0 ? [...st.args.historyPrefix(argEnv), ...cmd] : cmd;
  const createdBy = saved.join(' ');
  // A `RUN <<EOF` whose body starts with #! runs that body as a file: its text is in the key.
  const inline = inst.inlineFile;
  const extra = inline ? `inline:${createHash('sha256').update(inline.content).digest('hex')}` : undefined;
  await cachedStep(sr, createdBy, async () => {
    // The command and nothing else: an empty Entrypoint (null would take the image's) and no
    // health probes (NONE, as dockerd's withoutHealthcheck; absent would inherit them).
    const config: ContainerConfig = { ...structuredClone(st.config), Cmd: cmd, Env: [...(st.config.Env ?? []), ...argEnv], Entrypoint: [], Healthcheck: { Test: ['NONE'] } };
    const hostConfig = runHostConfig(run.opts, inst.network);
    // Bound read-only at its /dev/pipes path (under /dev: never part of the committed layer).
    if (inline) hostConfig.Binds = [...(hostConfig.Binds ?? []), `${await inlineFileOnHost(sr, inline)}:${inline.path}:ro`];
    let created: string | undefined;
    let ran: { containerId: string; exitCode: number };
    try {
      ran = await run.runSlots.with(() => runContainer(sr, config, hostConfig, (id) => (created = id)));
    } catch (err) {
      if (created !== undefined) await removeAfterFailure(sr, created);
      throw err;
    }
    // dockerd leaves a failed step's container unless forcerm; the issue asks for none left.
    const remove = run.opts.rm || run.opts.forceRm;
    if (ran.exitCode !== 0 || run.signal.aborted) {
      if (remove || run.signal.aborted) await removeAfterFailure(sr, ran.containerId);
      if (run.signal.aborted) throw new BuildCancelledError();
      throw new CommandFailedError(cmd, ran.exitCode, inst.at.line);
    }
    let image: StepImage;
    try {
      image = await run.host.commitContainer(ran.containerId, st.config, createdBy, stepMeta(st));
    } catch (err) {
      if (remove) await removeAfterFailure(sr, ran.containerId);
      throw err;
    }
    if (remove) await removeContainer(sr, ran.containerId);
    return image;
  }, extra);
}

/** The heredoc body as an executable file in the build's scratch directory. */
async function inlineFileOnHost(sr: StageRun, inline: { content: string; mode: number }): Promise<string> {
  const dir = await mkdtemp(join(await sr.run.scratchDir(), 'run-'));
  const file = join(dir, 'script');
  await writeFile(file, inline.content, { mode: inline.mode });
  await chmod(file, inline.mode);
  return file;
}

/** How long a RUN's output waits for its container's id (BuildHost's RunHooks.created) before
 * it is shown without the " ---> Running in" line: live output matters more than that line. */
export const HOLD_MS = 1000;

async function runContainer(sr: StageRun, config: ContainerConfig, hostConfig: HostConfig, created: (id: string) => void): Promise<{ containerId: string; exitCode: number }> {
  const { run, lane } = sr;
  const decoder = new StringDecoder('utf8');
  let held: string[] | undefined = [];
  let known: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    for (const t of held ?? []) lane.stream(t);
    held = undefined;
  };
  const announce = (id: string) => {
    if (known !== undefined) return;
    known = id;
    created(id);
    if (held !== undefined) lane.stream(` ---> Running in ${shortId(id)}\n`);
    release();
  };
  const output = (chunk: Buffer) => {
    const text = decoder.write(chunk);
    if (text === '') return;
    if (held === undefined) return lane.stream(text);
    held.push(text);
    timer ??= setTimeout(release, HOLD_MS);
  };
  try {
    const result = await run.host.runContainer(imageOf(sr), config, hostConfig, output, run.signal, { created: announce });
    announce(result.containerId);
    const rest = decoder.end();
    if (rest) lane.stream(rest);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

function imageOf(sr: StageRun): string {
  if (sr.st.image === undefined) throw new DockerfileError('RUN needs a base image: FROM scratch has no files yet', undefined);
  return sr.st.image;
}

async function removeContainer(sr: StageRun, id: string): Promise<void> {
  await sr.run.host.removeContainer(id);
  sr.lane.stream(`Removing intermediate container ${shortId(id)}\n`);
}

/** Removal after a failure: the failure is what the user must see; a removal that fails too is
 * shown as a warning (the container is then left, named). */
async function removeAfterFailure(sr: StageRun, id: string): Promise<void> {
  try {
    await removeContainer(sr, id);
  } catch (err) {
    sr.lane.stream(`[Warning] could not remove intermediate container ${shortId(id)}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

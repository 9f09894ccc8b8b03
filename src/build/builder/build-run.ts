// The state one build shares between its stages, and the per-stage handle every dispatcher
// gets. Expansion goes through here so that a variable a word names but nothing defines is
// reported with its line (docker silently expands it to nothing; berth expands it the same way
// and says so).
import type { BuildContext } from '../context/types.ts';
import type { At, Instruction } from '../dockerfile/types.ts';
import { undefinedMessage } from './arg-order.ts';
import type { BaseImage, BuildHost } from '../host.ts';
import type { BuildOptions } from '../options.ts';
import type { BuildArgs } from './build-args.ts';
import type { Escape, Frontend } from './frontend.ts';
import type { Lane } from './output.ts';
import type { CacheFrom } from './cache-from.ts';
import type { Slots } from './slots.ts';
import { expansionEnv, type StageState } from './state.ts';

export interface BuildRun {
  fe: Frontend;
  ctx: BuildContext;
  opts: BuildOptions;
  host: BuildHost;
  /** Aborted when the client goes away or another stage failed. */
  signal: AbortSignal;
  escape: Escape;
  args: BuildArgs;
  /** The image of an earlier stage named `ref` (AS name or index), awaited; undefined when
   * `ref` names no stage before `before` (then it is an image reference). */
  stageImage(ref: string, before: number, byIndex: boolean): Promise<string | undefined> | undefined;
  /** A directory for downloads (ADD <url>) and heredoc files, removed after the build. */
  scratchDir(): Promise<string>;
  /** RUN containers of concurrent stages take a slot each (slots.ts). */
  runSlots: Slots;
  /** --cache-from images that can serve steps, if any. */
  cacheFrom: CacheFrom | undefined;
  /** host.baseImage, once per image and platform in a build: stages starting together on the
   * same missing base wait for one pull (its progress goes to the lane that asked first). */
  baseImage(ref: string, platform: string | undefined, lane: Lane): Promise<BaseImage>;
}

export interface StageRun {
  run: BuildRun;
  index: number;
  /** The stage's instructions (to find an ARG declared after its use). */
  instructions: readonly Instruction[];
  st: StageState;
  lane: Lane;
}

/** A Map that remembers the names looked up and not found. */
class RecordingEnv extends Map<string, string> {
  readonly missed = new Set<string>();
  override get(key: string): string | undefined {
    const v = super.get(key);
    if (v === undefined) this.missed.add(key);
    return v;
  }
  override has(key: string): boolean {
    const h = super.has(key);
    if (!h) this.missed.add(key);
    return h;
  }
}

export interface Expander {
  word(s: string): string;
  words(s: string): string[];
  heredoc(s: string): string;
}

/** Expansion with the environment as it is now; `env` overrides it (meta args for FROM). */
export function expander(sr: StageRun | undefined, run: BuildRun, at: At, lane: Lane, env?: Map<string, string>): Expander {
  const vars = new RecordingEnv(env ?? (sr ? expansionEnv(sr.st) : []));
  const check = (word: string) => {
    for (const name of vars.missed) {
      // `${V:-default}` and friends are deliberate: warn only for a plain $V / ${V}.
      const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (new RegExp(`\\$(${n}(?![A-Za-z0-9_])|\\{${n}\\})`).test(word)) lane.stream(undefinedMessage(sr, run.ctx.dockerfile.name, name, at));
    }
    vars.missed.clear();
  };
  return {
    word: (s) => {
      const r = run.fe.expandWord(s, vars, run.escape);
      check(s);
      return r;
    },
    words: (s) => {
      const r = run.fe.expandWords(s, vars, run.escape);
      check(s);
      return r;
    },
    heredoc: (s) => {
      const r = run.fe.expandHeredoc(s, vars);
      check(s);
      return r;
    },
  };
}

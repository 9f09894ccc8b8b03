// Where a COPY/ADD's sources come from: the context (the common case), another stage's or an
// image's files (--from, read through the host's read-only tree while the layer is made),
// a download (ADD <url>), or a heredoc (COPY <<EOF /file: a file in the build's scratch dir).
import { BerthError, invalidParameter } from '../../api/types/errors.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import type { SourceEntry } from '../context/types.ts';
import type { Instruction } from '../dockerfile/types.ts';
import type { Expander, StageRun } from './build-run.ts';

export interface Sources {
  view: FsView;
  entries: SourceEntry[];
  /** Known already (a download's). */
  checksum?: string;
  /** From another stage or image: owners are kept unless --chown. */
  fromImage: boolean;
  /** ADD extracts local archives only (not downloads, not heredocs). */
  local: boolean;
}

type CopyInstruction = Extract<Instruction, { kind: 'COPY' | 'ADD' }>;

const isUrl = (s: string) => /^https?:\/\//.test(s);

export async function withSources<T>(sr: StageRun, inst: CopyInstruction, patterns: string[], x: Expander, fn: (s: Sources) => Promise<T>): Promise<T> {
  const { run } = sr;
  const heredocs = inst.heredocs.filter((h) => patterns.includes(h.name));
  if (heredocs.length > 0) {
    if (patterns.length > 1) throw invalidParameter(`${inst.kind} takes one heredoc source at a time in berth`);
    const h = heredocs[0]!;
    const content = h.expand ? x.heredoc(h.content) : h.content;
    const got = await run.fe.inlineSource(h.name, content, { scratchDir: await run.scratchDir() });
    try {
      return await fn({ view: got.root, entries: [got.entry], checksum: got.checksum, fromImage: false, local: false });
    } finally {
      await got.dispose();
    }
  }
  const urls = patterns.filter(isUrl);
  if (urls.length > 0) {
    if (inst.kind === 'COPY') throw invalidParameter("source can't be a URL for COPY");
    if (patterns.length > 1) throw invalidParameter('ADD takes one URL source at a time in berth');
    const got = await run.fe.fetchUrl(urls[0]!, { scratchDir: await run.scratchDir(), signal: run.signal }).catch((err: unknown) => {
      throw failed(inst, err);
    });
    try {
      return await fn({ view: got.root, entries: [got.entry], checksum: got.checksum, fromImage: false, local: false });
    } finally {
      await got.dispose();
    }
  }
  if (inst.from === undefined) return fn({ view: run.ctx.root, entries: await match(sr, inst, run.ctx.root, patterns), fromImage: false, local: true });
  const image = await fromImage(sr, inst.from);
  return run.host.withImageTree(image, async (root) => {
    const view = new FsView(root);
    return fn({ view, entries: await match(sr, inst, view, patterns), fromImage: true, local: true });
  });
}

/** --from=<stage name|index|image>: an earlier stage's image (awaited), else an image. */
async function fromImage(sr: StageRun, ref: string): Promise<string | undefined> {
  const stage = sr.run.stageImage(ref, sr.index, true);
  if (stage !== undefined) return stage;
  return (await sr.run.baseImage(ref, sr.run.opts.platform, sr.lane)).id;
}

/** The matcher's errors, prefixed as dockerd prefixes them. */
async function match(sr: StageRun, inst: CopyInstruction, view: FsView, patterns: string[]): Promise<SourceEntry[]> {
  try {
    return await sr.run.fe.matchSources(view, patterns, { allowWildcards: true, fromImage: inst.from !== undefined });
  } catch (err) {
    throw failed(inst, err);
  }
}

/** dockerd's "COPY failed: " / "ADD failed: " in front of a source's error (the kind is kept). */
function failed(inst: CopyInstruction, err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const msg = `${inst.kind} failed: ${err.message}`;
  return err instanceof BerthError ? new BerthError(err.kind, msg, { cause: err }) : new Error(msg, { cause: err });
}

// COPY and ADD: sources matched in the context (or in another stage's or image's files for
// --from, or a download for ADD <url>, or heredocs), checksummed into the history text (so the
// cache sees content), packed by the context's copyTar and unpacked by the host as a new layer.
// Destination rules are dockerd's: relative to WORKDIR; several sources need a dest ending in
// "/"; a dest that is a directory in the image receives the source inside it.
import { posix } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { resolveUser } from '../../runtime/spec/user.ts';
import type { DestInImage } from '../context/types.ts';
import type { Instruction } from '../dockerfile/types.ts';
import type { Expander, StageRun } from './build-run.ts';
import { cachedStep } from './cache.ts';
import { nopCommentString, stepMeta } from './state.ts';
import { withSources, type Sources } from './copy-sources.ts';

type CopyInstruction = Extract<Instruction, { kind: 'COPY' | 'ADD' }>;

export async function copyStep(sr: StageRun, inst: CopyInstruction, x: Expander): Promise<void> {
  const dest = x.word(inst.dest);
  const chown = inst.chown === undefined ? undefined : x.word(inst.chown);
  const mode = parseChmod(inst.chmod === undefined ? undefined : x.word(inst.chmod));
  const patterns = inst.sources.map((s) => (inst.heredocs.some((h) => h.name === s) ? s : x.word(s)));
  await withSources(sr, inst, patterns, x, async (src) => {
    if (src.entries.length > 1 && !dest.endsWith('/')) throw invalidParameter(`When using ${inst.kind} with more than one source file, the destination must be a directory and end with a /`);
    const sum = await sourceHash(sr, src);
    const createdBy = nopCommentString(sr.st.config, `${inst.kind} ${chown === undefined ? '' : `--chown=${chown}`}${sum} in ${dest} `);
    const destAbs = absoluteDest(sr.st.config.WorkingDir, dest);
    const keepOwners = src.fromImage && chown === undefined;
    const config = structuredClone(sr.st.config);
    // The parent is looked at only on a miss: a cached rebuild mounts nothing for it.
    await cachedStep(sr, createdBy, async () => {
      const { inImage, owner } = await parentFacts(sr, destAbs, chown);
      const destIsDir = dest.endsWith('/') || dest === '.' || dest.endsWith('/.') || inImage.dest === 'dir';
      const tar = sr.run.fe.copyTar(src.view, src.entries, { dest: destAbs, destIsDir, inImage, owner, mode, extractArchives: inst.kind === 'ADD' && src.local, keepOwners });
      return sr.run.host.addFiles(sr.st.image, tar, config, createdBy, stepMeta(sr.st));
    }, JSON.stringify({ mode, keepOwners }));
  });
}

/** dockerd's source hash in the history: "file:<hex>", "dir:<hex>", or "multi:<hex>". */
async function sourceHash(sr: StageRun, src: Sources): Promise<string> {
  const hex = (src.checksum ?? (await sr.run.fe.sourcesChecksum(src.view, src.entries))).replace(/^sha256:/, '');
  if (src.entries.length !== 1) return `multi:${hex}`;
  return `${src.entries[0]!.isDir ? 'dir' : 'file'}:${hex}`;
}

function parseChmod(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-7]{1,4}$/.test(v)) throw invalidParameter(`invalid chmod parameter: ${v}`);
  return Number.parseInt(v, 8);
}

/** WORKDIR applied, a trailing "/" kept (dockerd's normalizeDest). */
export function absoluteDest(workdir: string | undefined, dest: string): string {
  if (posix.isAbsolute(dest)) return dest;
  return posix.join('/', workdir ?? '', dest) + (dest.endsWith('/') ? '/' : '');
}

/** What the parent image has at dest (decides file-into-directory and which directories the
 * tar makes), and --chown's numbers from its /etc/passwd and /etc/group: one look at its tree. */
async function parentFacts(sr: StageRun, dest: string, chown: string | undefined): Promise<{ inImage: DestInImage; owner?: { uid: number; gid: number } }> {
  const numeric = chown === undefined ? undefined : numericChown(chown);
  const image = sr.st.image;
  if (image === undefined && (chown === undefined || numeric)) return { inImage: { dest: 'none', deepestDir: '/' }, owner: numeric };
  return sr.run.host.withImageTree(image, async (root) => ({
    inImage: image === undefined ? { dest: 'none', deepestDir: '/' } : await sr.run.fe.destInImage(new FsView(root), dest),
    owner: chown === undefined ? undefined : numeric ?? chownIn(root, chown),
  }));
}

/** --chown: a user given alone is also the group's name (moby's parseChownFlag); numbers need
 * no lookup, names are looked up in the image's own /etc/passwd and /etc/group. */
function chownSpec(chown: string): [string, string] {
  const parts = chown.split(':');
  if (parts.length > 2) throw invalidParameter(`invalid chown string format: ${chown}`);
  return [parts[0]!, parts[1] ?? parts[0]!];
}

function numericChown(chown: string): { uid: number; gid: number } | undefined {
  const [u, g] = chownSpec(chown);
  return /^\d+$/.test(u) && /^\d+$/.test(g) ? { uid: Number(u), gid: Number(g) } : undefined;
}

function chownIn(root: string, chown: string): { uid: number; gid: number } {
  try {
    const u = resolveUser(root, chownSpec(chown).join(':'));
    return { uid: u.uid, gid: u.gid };
  } catch (err) {
    throw invalidParameter(`unable to convert uid/gid chown string to host mapping: ${(err as Error).message}`);
  }
}

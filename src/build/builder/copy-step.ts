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
import { nopCommentString } from './state.ts';
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
    const owner = chown === undefined ? undefined : await resolveChown(sr, chown);
    const createdBy = nopCommentString(sr.st.config, `${inst.kind} ${chown === undefined ? '' : `--chown=${chown}`}${sum} in ${dest} `);
    const destAbs = absoluteDest(sr.st.config.WorkingDir, dest);
    const keepOwners = src.fromImage && chown === undefined;
    const config = structuredClone(sr.st.config);
    await cachedStep(sr, createdBy, async () => {
      const inImage = await destInImage(sr, destAbs);
      const destIsDir = dest.endsWith('/') || dest === '.' || dest.endsWith('/.') || inImage.dest === 'dir';
      const tar = sr.run.fe.copyTar(src.view, src.entries, { dest: destAbs, destIsDir, inImage, owner, mode, extractArchives: inst.kind === 'ADD' && src.local, keepOwners });
      return sr.run.host.addFiles(sr.st.image, tar, config, createdBy);
    }, JSON.stringify({ mode, keepOwners, owner }));
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

/** What the parent image has at dest (nothing for scratch): decides file-into-directory and
 * which directories the tar must make. */
function destInImage(sr: StageRun, path: string): Promise<DestInImage> {
  const image = sr.st.image;
  if (image === undefined) return Promise.resolve({ dest: 'none', deepestDir: '/' });
  return sr.run.host.withImageTree(image, (root) => sr.run.fe.destInImage(new FsView(root), path));
}

/** --chown: names looked up in the image's own /etc/passwd and /etc/group; a user given alone
 * is also the group's name (moby's parseChownFlag), numbers need no lookup. */
async function resolveChown(sr: StageRun, chown: string): Promise<{ uid: number; gid: number }> {
  const parts = chown.split(':');
  if (parts.length > 2) throw invalidParameter(`invalid chown string format: ${chown}`);
  const spec = `${parts[0]}:${parts[1] ?? parts[0]}`;
  if (/^\d+:\d+$/.test(spec)) return { uid: Number(parts[0]), gid: Number(parts[1] ?? parts[0]) };
  return sr.run.host.withImageTree(sr.st.image, async (root) => {
    try {
      const u = resolveUser(root, spec);
      return { uid: u.uid, gid: u.gid };
    } catch (err) {
      throw invalidParameter(`unable to convert uid/gid chown string to host mapping: ${(err as Error).message}`);
    }
  });
}

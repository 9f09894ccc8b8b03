// Applying a whiteout entry from a layer tar (see whiteouts.ts for the two formats). overlay2
// records it for the kernel to honour at mount time; vfs, holding a full copy, deletes for real.
import { lchown, lutimes, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractState } from './extract-state.ts';
import type { TarHeader } from './tar-read.ts';
import { lstatOrNull } from './safe-path.ts';
import { makeOverlayWhiteout, setOverlayOpaque, type Whiteout } from './whiteouts.ts';

export async function applyWhiteout(s: ExtractState, wh: Whiteout, parts: string[], h: TarHeader): Promise<void> {
  if (wh.kind === 'meta') return; // aufs bookkeeping (.wh..wh.plnk...): skipped, as docker does
  const overlay = s.opts.format === 'overlay';
  if (wh.kind === 'opaque') {
    const dir = (await s.parent(parts, h.name, true))!; // the marker's directory, made if missing
    if (overlay) await setOverlayOpaque(dir);
    else await removeLower(s, dir, parts.slice(0, -1).join('/'));
    return;
  }
  const tparts = [...parts.slice(0, -1), wh.name];
  const trel = tparts.join('/');
  // OCI: a whiteout hides lower layers only, never entries of its own layer.
  if (s.seen.has(trel)) return;
  const parent = await s.parent(tparts, h.name, overlay);
  if (parent === null) return; // vfs: nothing there to delete
  const target = join(parent, wh.name);
  if (!overlay) return s.remove(target, trel);
  if ((await lstatOrNull(target)) !== null) return;
  await makeOverlayWhiteout(target);
  // Owner and mtime from the .wh. entry, so exporting the layer gives the same header back.
  await lchown(target, h.uid, h.gid);
  await lutimes(target, h.mtime, h.mtime);
}

/** vfs opaque dir: delete what the parent layers put there, keep what this layer made. */
async function removeLower(s: ExtractState, dir: string, rel: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const childRel = rel ? `${rel}/${name}` : name;
    const kind = s.seen.get(childRel);
    if (kind === undefined) await s.remove(join(dir, name), childRel);
    else if (kind === 'dir') await removeLower(s, join(dir, name), childRel);
  }
}

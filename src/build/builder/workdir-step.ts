// WORKDIR: sets the config's WorkingDir and, as dockerd does since 1.13, creates the directory
// in the image right away (owned by root, 0755), as a layer holding only the components that
// were missing — an existing directory (e.g. /tmp, 1777) is never rewritten. When nothing is
// missing the step is config-only.
import { lstat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { invalidParameter } from '../../api/types/errors.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { orIfMissing } from '../../lib/log-failure.ts';
import type { At } from '../dockerfile/types.ts';
import type { Expander, StageRun } from './build-run.ts';
import { cachedStep } from './cache.ts';
import { nopCommentString, stepMeta } from './state.ts';

export function normalizeWorkdir(current: string | undefined, requested: string): string {
  if (requested === '') throw invalidParameter('cannot normalize nothing');
  return posix.isAbsolute(requested) ? posix.normalize(requested) : posix.join('/', current ?? '', requested);
}

export async function workdirStep(sr: StageRun, inst: { at: At; value: string }, x: Expander): Promise<void> {
  const { st, run } = sr;
  st.config.WorkingDir = normalizeWorkdir(st.config.WorkingDir, x.word(inst.value));
  const createdBy = nopCommentString(st.config, `WORKDIR ${st.config.WorkingDir}`);
  const config = structuredClone(st.config);
  const dir = st.config.WorkingDir;
  await cachedStep(sr, createdBy, async () => {
    const missing = st.image === undefined ? components(dir) : await run.host.withImageTree(st.image, (root) => missingDirs(root, dir));
    if (missing.length === 0) return run.host.commitConfig(st.image, config, createdBy, stepMeta(st));
    return run.host.addFiles(st.image, () => dirsTar(missing), config, createdBy, stepMeta(st));
  });
}

/** "/a/b" → ["/a", "/a/b"]. */
const components = (dir: string): string[] => dir.split('/').filter(Boolean).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`);

/** The components of `dir` (links resolved inside the image) that do not exist yet. */
export async function missingDirs(root: string, dir: string): Promise<string[]> {
  const view = new FsView(root);
  const all = components(await view.resolve(dir, true));
  for (let i = 0; i < all.length; i++) {
    const exists = await lstat(view.hostOf(all[i]!)).then(() => true, orIfMissing(false));
    if (!exists) return all.slice(i);
  }
  return [];
}

function dirsTar(dirs: string[]): Readable {
  const p = pack();
  const mtime = new Date();
  for (const d of dirs) p.entry({ name: `${d.slice(1)}/`, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime });
  p.finalize();
  return p as unknown as Readable;
}

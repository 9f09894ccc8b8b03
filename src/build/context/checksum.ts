// The content checksum of COPY/ADD sources that goes into the step's cache key (the classic
// builder's rule: same parent, same instruction, same files → same image). It covers what the
// copy reproduces — names, types, permission bits, owners, link targets and contents — and not
// mtimes, so a file touched without a change still hits the cache. File digests are remembered
// per host file while its size, mtime and inode stay, so the steps of one build (and a rebuild
// in the same daemon) read each file once.
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import type { FsView } from '../../image/copy/fs-view.ts';
import { sourceItems } from './source-walk.ts';
import type { SourceEntry } from './types.ts';

const digests = new Map<string, { stamp: string; digest: string }>();
const MAX_REMEMBERED = 100_000;

/** "sha256:<hex>" of the entries in order (each entry's name as copied, then its files). */
export async function sourcesChecksum(root: FsView, entries: SourceEntry[]): Promise<string> {
  const h = createHash('sha256');
  for (const entry of entries) {
    h.update(`source\0${entry.path}\0`);
    for await (const item of sourceItems(root, entry)) h.update(`${item.rel}\0${await describe(item.host, item.st)}\n`);
  }
  return `sha256:${h.digest('hex')}`;
}

async function describe(host: string, st: Stats): Promise<string> {
  const meta = `${st.mode.toString(8)} ${st.uid}:${st.gid}`;
  if (st.isSymbolicLink()) return `${meta} -> ${await readlink(host)}`;
  if (st.isCharacterDevice() || st.isBlockDevice()) return `${meta} dev ${st.rdev}`;
  if (!st.isFile()) return meta;
  return `${meta} ${st.size} ${await fileDigest(host, st)}`;
}

async function fileDigest(host: string, st: Stats): Promise<string> {
  const stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const known = digests.get(host);
  if (known?.stamp === stamp) return known.digest;
  const h = createHash('sha256');
  const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    // Small files in one read: a stream per file costs more than the hashing.
    if (st.size <= 1024 * 1024) h.update(await fh.readFile());
    else for await (const chunk of fh.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) h.update(chunk);
  } finally {
    await fh.close();
  }
  const digest = h.digest('hex');
  if (digests.size >= MAX_REMEMBERED) digests.clear();
  digests.set(host, { stamp, digest });
  return digest;
}

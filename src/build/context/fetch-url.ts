// ADD <url>: the file downloaded into a directory of its own under the scratch space, named
// after the URL's last path element, mode 0600, its mtime the Last-Modified header's (else the
// epoch) — as dockerd's classic builder saves it. It is never unpacked, even if a tar: the
// builder copies it with extractArchives off.
import { constants } from 'node:fs';
import { mkdtemp, open, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { base } from '../../image/copy/go-path.ts';
import { sourcesChecksum } from './checksum.ts';
import { DEFAULT_TIMEOUTS, httpGet, type Timeouts } from './http-get.ts';
import type { SourceEntry } from './types.ts';

export interface FetchedUrl {
  /** A tree holding only the downloaded file. */
  root: FsView;
  entry: SourceEntry;
  /** sourcesChecksum of the file (the step's cache key). */
  checksum: string;
  /** Removes the download. */
  dispose(): Promise<void>;
}

export async function fetchUrl(url: string, o: { scratchDir: string; signal: AbortSignal; timeouts?: Timeouts }): Promise<FetchedUrl> {
  const name = fileName(url);
  const dir = await mkdtemp(join(o.scratchDir, 'add-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const { headers, body } = await httpGet(url, o.signal, o.timeouts ?? DEFAULT_TIMEOUTS);
    const file = join(dir, name);
    const fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      for await (const chunk of body) await fh.write(chunk as Buffer);
    } finally {
      await fh.close();
    }
    const modified = Date.parse(headers.get('last-modified') ?? '');
    const mtime = Number.isNaN(modified) ? 0 : modified / 1000;
    await utimes(file, mtime, mtime);
    const root = new FsView(dir);
    const entry: SourceEntry = { pattern: url, path: `/${name}`, isDir: false };
    return { root, entry, checksum: await sourcesChecksum(root, [entry]), dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** Go's filepath.Base of the URL's (decoded) path; one that names no file is refused. */
function fileName(url: string): string {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    throw invalidParameter(`cannot determine filename from url: ${url}`);
  }
  const name = base(path);
  if (name === '/' || name === '.' || name === '..' || name.includes('\0')) throw invalidParameter(`cannot determine filename from url: ${url}`);
  return name;
}

// A COPY's heredoc (`COPY <<EOF /etc/x`) as a source like any other: the content written to a
// file of its own under the scratch space, so matching's rules, the checksum and the tar need
// no second path for it. Mode 0644 as BuildKit gives a heredoc file (--chmod overrides).
import { chmod, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { sourcesChecksum } from './checksum.ts';
import type { SourceEntry } from './types.ts';

export interface InlineSource {
  root: FsView;
  entry: SourceEntry;
  checksum: string;
  dispose(): Promise<void>;
}

/** `name` is the file's name in dest when dest is a directory (the heredoc's word, "EOF"). */
export async function inlineSource(name: string, content: string | Buffer, o: { scratchDir: string }): Promise<InlineSource> {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw invalidParameter(`invalid name for an inline file: ${JSON.stringify(name)}`);
  const dir = await mkdtemp(join(o.scratchDir, 'inline-'));
  try {
    const file = join(dir, name);
    await writeFile(file, content, { flag: 'wx' });
    await chmod(file, 0o644); // not the daemon's umask's say
    // A fixed time: the same heredoc gives the same tar, layer and cache key in every build.
    await utimes(file, 0, 0);
    const root = new FsView(dir);
    const entry: SourceEntry = { pattern: name, path: `/${name}`, isDir: false };
    return { root, entry, checksum: await sourcesChecksum(root, [entry]), dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

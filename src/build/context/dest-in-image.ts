// What the parent image has where a COPY/ADD writes: whether dest is a directory there (a file
// then goes into it, as docker does) and which of its directories are missing (copy-tar.ts
// makes those as docker would). Looked up in the image's tree with links followed inside it,
// as the host's unpacker will follow them.
import { lstatOrNull, type FsView } from '../../image/copy/fs-view.ts';
import { clean } from '../../image/copy/go-path.ts';
import type { DestInImage } from './types.ts';

/** `dest`: the absolute destination (WORKDIR applied); a trailing "/" does not matter here. */
export async function destInImage(image: FsView, dest: string): Promise<DestInImage> {
  const path = clean(dest);
  const parts = path.split('/').filter(Boolean);
  let deepestDir = '/';
  for (let i = 1; i <= parts.length; i++) {
    const prefix = `/${parts.slice(0, i).join('/')}`;
    const st = await lstatOrNull(image.hostOf(await image.resolve(prefix, true)));
    if (st?.isDirectory()) {
      deepestDir = prefix;
      continue;
    }
    return { dest: i === parts.length && st !== null ? 'other' : 'none', deepestDir };
  }
  return { dest: 'dir', deepestDir };
}

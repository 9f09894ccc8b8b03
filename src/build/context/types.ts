// The build context as the builder sees it: a directory on the host holding the context after
// .dockerignore (or a remote context fetched), the Dockerfile's text, and the way sources of a
// COPY/ADD are found, checksummed and packed into the tar that the host unpacks into the image.
import type { Readable } from 'node:stream';
import type { FsView } from '../../image/copy/fs-view.ts';

export interface BuildContext {
  /** The context's files, extracted (read through an FsView rooted here: links stay inside). */
  readonly root: FsView;
  /** The Dockerfile's text and its name as the user gave it (for messages: "Dockerfile:3: ..."). */
  readonly dockerfile: { name: string; text: string };
  /** Removes the extracted files. */
  dispose(): Promise<void>;
}

/** One source of a COPY/ADD after matching: a path in the source tree, resolved inside it. */
export interface SourceEntry {
  /** The source as written (after variable expansion), for messages. */
  pattern: string;
  /** Clean absolute path in the source tree ("/" = the context's root or the image's /). */
  path: string;
  isDir: boolean;
}

export interface CopyTarOptions {
  /** Absolute container path of the destination (WORKDIR applied by the builder). */
  dest: string;
  /** The destination names a directory: it ends in "/" (required by docker for several
   * sources; a wildcard with one match and no "/" copies to dest itself), or is a directory in
   * the parent image (inImage tells that too): a file is then copied into it. */
  destIsDir: boolean;
  /** What the parent image has on dest's path (destInImage() tells, inside withImageTree).
   * Directories it lacks get entries of their own, 0755 and owned as docker makes them (the
   * --chown user for a file's parents and for dest), so an empty directory still makes its dest;
   * those it has get none, so an existing /tmp keeps its mode and owner. Not given: dest and
   * its parents are taken to be there. */
  inImage?: DestInImage;
  /** --chown resolved to numbers (else: 0:0 for the context, kept for --from). */
  owner?: { uid: number; gid: number };
  /** --chmod as a number. */
  mode?: number;
  /** ADD: local tar archives (plain, gzip, bzip2, xz) are extracted into dest, not copied. */
  extractArchives: boolean;
  /** Files from another image (--from) keep their owners unless --chown is given. */
  keepOwners: boolean;
}

/** dest in the parent image: what it is there, and the deepest directory on its path. */
export interface DestInImage {
  dest: 'dir' | 'other' | 'none';
  /** Absolute, "/" at least: the directories below it on dest's path are missing. */
  deepestDir: string;
}

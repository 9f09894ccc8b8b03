// berth cp, as the docker CLI does it: CONTAINER:SRC to a local path (or "-" for the tar on
// stdout), a local path (or "-" for a tar on stdin) to CONTAINER:DEST. The daemon only
// archives and extracts; deciding names (into a directory, onto a new name, "dir/." for
// contents, following links with -L) happens here, with docker's own rules (image/copy).
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { CliEnv } from '../cli-env.ts';
import { hasGoMode, GO_MODE, outputModeProblem } from '../../api/types/path-stat.ts';
import { copyInfoDestinationPath, copyInfoSourcePath, pathError, prepareArchiveCopy, rebaseArchiveEntries, tarResource, type CopyInfo } from '../../image/copy/copy-info.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { clean, dir, join, preserveTrailingDotOrSeparator, rebaseName, splitPathDirEntry } from '../../image/copy/go-path.ts';
import { unpack } from '../../image/copy/unpack.ts';
import { humanSize } from '../output.ts';

export interface CpFlags {
  followLink?: boolean;
  archive?: boolean;
  quiet?: boolean;
}

export async function cp(env: CliEnv, source: string, destination: string, flags: CpFlags): Promise<void> {
  if (source === '') throw new Error('source can not be empty');
  if (destination === '') throw new Error('destination can not be empty');
  const [srcContainer, srcPath] = splitCpArg(source);
  const [dstContainer, dstPath] = splitCpArg(destination);
  // As docker: without -q, progress is shown only when stdout is a terminal.
  const quiet = flags.quiet ?? !env.out.isTTY;
  if (srcContainer && dstContainer) throw new Error('copying between containers is not supported');
  if (srcContainer) return fromContainer(env, srcContainer, srcPath, dstPath, flags.followLink === true, quiet);
  if (dstContainer) return toContainer(env, dstContainer, srcPath, dstPath, flags, quiet);
  throw new Error('must specify at least one container source');
}

/** CONTAINER:PATH, unless it is a local path: absolute, or relative with a leading "." (./a:b). */
function splitCpArg(arg: string): [string, string] {
  if (arg.startsWith('/')) return ['', arg];
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return ['', arg];
  return [arg.slice(0, colon), arg.slice(colon + 1)];
}

function localPath(p: string): string {
  return preserveTrailingDotOrSeparator(resolve(p), p);
}

async function fromContainer(env: CliEnv, container: string, srcPath: string, dstPath: string, followLink: boolean, quiet: boolean): Promise<void> {
  const toStdout = dstPath === '-';
  const dst = toStdout ? dstPath : localPath(dstPath);
  if (!toStdout) await validateOutputPath(dst);
  const containers = env.client().containers;
  let src = srcPath;
  let rebase = '';
  if (followLink) {
    const st = await containers.statPath(container, src).catch(() => undefined); // as docker: the copy itself reports what is wrong
    if (st && hasGoMode(st.mode, GO_MODE.symlink)) {
      const target = st.linkTarget.startsWith('/') ? st.linkTarget : join(splitPathDirEntry(src)[0], st.linkTarget);
      [src, rebase] = rebaseName(src, target);
    }
  }
  const { stat: st, tar } = await containers.getArchive(container, src);
  if (toStdout) {
    for await (const chunk of tar) if (!env.out.write(chunk as Buffer)) await once(env.out, 'drain');
    return;
  }
  const info: CopyInfo = { path: src, exists: true, isDir: hasGoMode(st.mode, GO_MODE.dir), rebaseName: rebase };
  const counted = count(tar);
  const content = rebase ? rebaseArchiveEntries(counted.stream, splitPathDirEntry(src)[1], rebase) : counted.stream;
  const target = await copyInfoDestinationPath(dst);
  const prepared = prepareArchiveCopy(content, info, target);
  await unpack(new FsView('/'), clean(prepared.dstDir), prepared.content, { noLchown: true, noOverwriteDirNonDir: true });
  if (!quiet) env.err.write(`Successfully copied ${humanSize(counted.bytes())} to ${dst}\n`);
}

async function toContainer(env: CliEnv, container: string, srcPath: string, dstPath: string, flags: CpFlags, quiet: boolean): Promise<void> {
  const fromStdin = srcPath === '-';
  const src = fromStdin ? srcPath : localPath(srcPath);
  const containers = env.client().containers;
  const dst: CopyInfo = { path: dstPath, exists: false, isDir: false, rebaseName: '' };
  let st = await containers.statPath(container, dstPath).catch(() => undefined); // as docker: a destination that cannot be statted is made by the copy, or refused by it
  if (st && hasGoMode(st.mode, GO_MODE.symlink)) {
    dst.path = st.linkTarget.startsWith('/') ? st.linkTarget : join(splitPathDirEntry(dstPath)[0], st.linkTarget);
    st = await containers.statPath(container, dst.path).catch(() => undefined); // likewise
  }
  const problem = outputModeProblem(st?.mode ?? 0);
  if (problem) throw new Error(`destination "${container}:${dstPath}" must be a directory or a regular file: ${problem}`);
  if (st) [dst.exists, dst.isDir] = [true, hasGoMode(st.mode, GO_MODE.dir)];
  let content: Readable;
  let dstDir: string;
  if (fromStdin) {
    if (!dst.isDir) throw new Error(`destination "${container}:${dstPath}" must be a directory`);
    [content, dstDir] = [process.stdin, dst.path];
  } else {
    const info = await copyInfoSourcePath(src, flags.followLink === true);
    ({ content, dstDir } = prepareArchiveCopy(tarResource(info), info, dst));
  }
  const counted = count(content);
  await containers.putArchive(container, dstDir, counted.stream, { noOverwriteDirNonDir: true, copyUIDGID: flags.archive === true });
  if (!quiet) env.err.write(`Successfully copied ${humanSize(counted.bytes())} to ${container}:${dst.path}\n`);
}

/** command.ValidateOutputPath: the parent must exist; an existing path must be a file or directory. */
async function validateOutputPath(path: string): Promise<void> {
  const parent = dir(clean(path));
  if (parent !== '.' && (await stat(parent).catch(() => null)) === null) throw new Error(`invalid output path: directory "${parent}" does not exist`); // docker's words for any error there
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(pathError('stat', path, err))));
  if (st && !st.isDirectory() && !st.isFile()) throw new Error(`invalid output path: "${path}" must be a directory or a regular file: got a device`);
}

/** Counting bytes as they pass, for the "Successfully copied" line. */
function count(source: AsyncIterable<Buffer>): { stream: Readable; bytes: () => number } {
  let n = 0;
  const stream = Readable.from((async function* () {
    for await (const chunk of source) {
      n += chunk.length;
      yield chunk;
    }
  })(), { objectMode: false });
  return { stream, bytes: () => n };
}

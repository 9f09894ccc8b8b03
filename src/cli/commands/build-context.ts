// What `berth build` sends, decided as the docker CLI decides it (build/context.go): `-` reads
// stdin (a tar, plain or compressed, or a lone Dockerfile, told apart by its first bytes), an
// existing path is a local directory (tarred here with .dockerignore applied), a git or http(s)
// URL is left to the daemon (`remote=`). A Dockerfile from stdin (`-f -`) or from outside the
// directory is added to the tar under a random name, which .dockerignore then lists so the
// daemon leaves it out of what COPY sees.
import { randomBytes } from 'node:crypto';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { IgnoreRules, readIgnorePatterns } from './build-ignore.ts';
import { listContext, tarContext, type ExtraFile } from './build-tar.ts';
import { readStdinContext } from './build-stdin.ts';

export const DEFAULT_DOCKERFILE = 'Dockerfile';

export interface PreparedContext {
  /** The tar to upload; absent for a remote context. */
  body?: Readable;
  /** The Dockerfile's name in the context, as the query's `dockerfile`. */
  dockerfile?: string;
  remote?: string;
}

export interface ContextInput {
  stdin: Readable;
  cwd: string;
}

/** urlutil.IsURL / IsGitURL. */
export const isUrl = (s: string): boolean => s.startsWith('http://') || s.startsWith('https://');
export const isGitUrl = (s: string): boolean =>
  (isUrl(s) && /\.git(?:#.+)?$/.test(s)) || ['git://', 'github.com/', 'git@'].some((p) => s.startsWith(p));

/** `file` is the -f value (undefined when not given); errors carry docker's words. */
export async function prepareContext(spec: string, file: string | undefined, io: ContextInput): Promise<PreparedContext> {
  if (file === '-' && spec === '-') throw new Error("invalid argument: can't use stdin for both build context and dockerfile");
  if (spec === '-') return prepared(() => readStdinContext(io.stdin, file));
  if (await exists(resolve(io.cwd, spec))) return prepared(() => localContext(resolve(io.cwd, spec), file, io));
  if (isGitUrl(spec) || isUrl(spec)) {
    if (file === '-') throw new Error('unable to prepare context: berth sends a URL context to the daemon, which cannot take the Dockerfile from stdin as well');
    return { remote: spec, ...(file && { dockerfile: file }) };
  }
  throw new Error(`unable to prepare context: path ${JSON.stringify(spec)} not found`);
}

async function prepared(make: () => Promise<PreparedContext>): Promise<PreparedContext> {
  try {
    return await make();
  } catch (err) {
    if (err instanceof PlainError) throw err;
    throw new Error(`unable to prepare context: ${(err as Error).message}`);
  }
}

/** An error docker reports without the "unable to prepare context" prefix. */
class PlainError extends Error {}

async function localContext(dir: string, file: string | undefined, io: ContextInput): Promise<PreparedContext> {
  const root = await contextRoot(dir);
  const fromStdin = file === '-';
  const dockerfile = fromStdin ? undefined : await dockerfilePath(root, file === undefined ? undefined : resolve(io.cwd, file));
  const rel = dockerfile?.rel ?? '-';
  const outside = rel.startsWith('../');
  const ignoreText = await readFile(join(root, '.dockerignore'), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new PlainError(`error reading .dockerignore: ${err.message}`);
  });
  const rules = new IgnoreRules(readIgnorePatterns(ignoreText ?? '')).keepingBuildFiles(fromStdin ? undefined : rel);
  let entries;
  try {
    entries = listContext(root, rules);
  } catch (err) {
    throw new PlainError(`error checking context: ${(err as Error).message}`);
  }
  if (!fromStdin && !outside) return { body: tarContext(entries), dockerfile: rel };

  const content = !dockerfile ? await readAll(io.stdin) : await readFile(dockerfile.abs).catch((err: Error) => {
    throw new PlainError(`unable to open Dockerfile: ${err.message}`);
  });
  const name = `.dockerfile.${randomBytes(10).toString('hex')}`;
  const now = Math.floor(Date.now() / 1000);
  const ignoreIndex = entries.findIndex((e) => e.rel === '.dockerignore' && e.st.isFile());
  const [ignoreEntry] = ignoreIndex >= 0 ? entries.splice(ignoreIndex, 1) : [];
  const ignoreContent = ignoreEntry ? await readFile(ignoreEntry.abs, 'utf8') : '.dockerignore';
  const extras: ExtraFile[] = [
    {
      name: '.dockerignore',
      content: Buffer.from(`${ignoreContent}\n${name}\n`),
      mode: ignoreEntry ? ignoreEntry.st.mode & 0o7777 : 0o600,
      mtime: ignoreEntry ? Math.floor(ignoreEntry.st.mtimeMs / 1000) : now,
    },
    { name, content, mode: 0o600, mtime: now },
  ];
  return { body: tarContext(entries, extras), dockerfile: name };
}

/** ResolveAndValidateContextPath: absolute, symlinks resolved, a directory. */
async function contextRoot(dir: string): Promise<string> {
  const real = await realpath(dir).catch((err: Error) => {
    throw new Error(`unable to evaluate symlinks in context path: ${err.message}`);
  });
  if (!(await lstat(real)).isDirectory()) throw new Error(`context must be a directory: ${real}`);
  return real;
}

/** getDockerfileRelPath: -f is relative to the working directory; by default Dockerfile (or dockerfile). */
async function dockerfilePath(root: string, given: string | undefined): Promise<{ rel: string; abs: string }> {
  let abs = given ?? join(root, DEFAULT_DOCKERFILE);
  if (given === undefined && !(await exists(abs)) && (await exists(join(root, DEFAULT_DOCKERFILE.toLowerCase())))) {
    abs = join(root, DEFAULT_DOCKERFILE.toLowerCase());
  }
  if (!isAbsolute(abs)) abs = join(root, abs);
  const real = await realpath(abs).catch(async () => {
    throw new Error(`unable to evaluate symlinks in Dockerfile path: lstat ${await firstMissing(abs)}: no such file or directory`);
  });
  return { rel: relative(root, real), abs: real };
}

/** The path Go's EvalSymlinks names when it fails: the first component that does not exist. */
async function firstMissing(abs: string): Promise<string> {
  let missing = abs;
  for (let p = dirname(abs); p !== dirname(p) && !(await exists(p)); p = dirname(p)) missing = p;
  return missing;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

// POST /build with `remote=`: a git repository (git-context.ts), or an http(s) URL whose body
// is a context tar (plain or compressed) or a Dockerfile by itself (then the context is empty).
// Which of the two is told from the body's first bytes, not the server's Content-Type (servers
// call a Dockerfile application/octet-stream and a tar text/plain alike).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { invalidParameter } from '../../api/types/errors.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { sniffFormat } from '../../image/decompress.ts';
import { DEFAULT_DOCKERFILE } from './dockerfile-file.ts';
import { fetchGit, isGitUrl, parseGitUrl } from './git-context.ts';
import { DEFAULT_TIMEOUTS, httpGet, type Timeouts } from './http-get.ts';
import { contextIn, unpackContext, type ContextOptions } from './receive.ts';
import type { BuildContext } from './types.ts';
import { peekStream } from '../../lib/peek-stream.ts';

/** A Dockerfile served alone is read whole: this much at most. */
const MAX_DOCKERFILE = 16 * 1024 * 1024;

export interface RemoteOptions extends ContextOptions {
  timeouts?: Timeouts;
  gitTimeoutMs?: number;
}

export async function remoteContext(url: string, o: RemoteOptions): Promise<BuildContext> {
  if (isGitUrl(url)) {
    const src = parseGitUrl(url);
    return contextIn(o, (view) => fetchGit(view, src, o.signal, o.gitTimeoutMs));
  }
  if (!/^https?:\/\//i.test(url)) throw invalidParameter(`remoteURL (${url}) could not be recognized as URL`);
  const { body } = await httpGet(url, o.signal, o.timeouts ?? DEFAULT_TIMEOUTS).catch((err: unknown) => {
    throw prefixed(err, `error downloading remote context ${url}: `);
  });
  const { head, source: rest } = await peekStream(body, 512);
  if (head.length === 0) throw invalidParameter(`error detecting content type for remote ${url}: empty response`);
  if (isTar(head)) return contextIn(o, (view) => unpackContext(view, rest, o.signal));
  if (head.includes(0)) throw invalidParameter(`error detecting content type for remote ${url}: neither a tar archive nor a Dockerfile`);
  return dockerfileOnly(await readText(rest, url), o);
}

/** A context of no files with this Dockerfile. */
async function dockerfileOnly(text: string, o: ContextOptions): Promise<BuildContext> {
  const dir = await mkdtemp(join(o.scratchDir, 'context-'));
  return { root: new FsView(dir), dockerfile: { name: o.dockerfile || DEFAULT_DOCKERFILE, text }, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Compressed (any format decompress.ts knows) or a ustar/GNU tar header at its place. */
function isTar(head: Buffer): boolean {
  if (head.length >= 6 && sniffFormat(head) !== 'plain') return true;
  return head.length >= 263 && head.subarray(257, 262).toString('latin1') === 'ustar';
}


async function readText(body: Readable, url: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_DOCKERFILE) {
      body.destroy();
      throw invalidParameter(`the Dockerfile at ${url} is larger than ${MAX_DOCKERFILE} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function prefixed(err: unknown, prefix: string): unknown {
  if (err instanceof Error && 'kind' in err) {
    err.message = prefix + err.message;
  }
  return err;
}

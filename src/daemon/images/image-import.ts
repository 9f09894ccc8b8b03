// docker import: a root filesystem tar (possibly compressed), from the request body or a URL,
// becomes a one-layer image with a config built from `changes` and `message`.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ImageService } from './image-service.ts';
import type { ProgressSink } from '../../api/progress.ts';
import type { ImageConfig, Platform } from '../../image/types.ts';
import { decompressStream } from '../../image/decompress.ts';
import { applyChanges } from '../../image/changes.ts';
import { parseReference, familiarString, type Reference } from '../../image/reference.ts';
import { invalidParameter, systemError } from '../../api/types/errors.ts';
import { ENGINE_VERSION } from '../../lib/build-info.ts';

export interface ImportOptions {
  source: Readable;
  /** "-" for the request body, else the URL it came from (for the history comment). */
  from: string;
  repo?: string;
  tag?: string;
  changes: string[];
  message?: string;
  platform?: Platform;
}

export async function importImage(svc: ImageService, opts: ImportOptions, send: ProgressSink): Promise<string> {
  const ref = targetRef(opts.repo, opts.tag);
  const layer = await svc.importer.apply(undefined, { open: () => decompressStream(opts.source) });
  const now = new Date().toISOString();
  const config: ImageConfig = {
    architecture: opts.platform?.architecture ?? 'amd64',
    os: opts.platform?.os ?? 'linux',
    ...(opts.platform?.variant && { variant: opts.platform.variant }),
    created: now,
    docker_version: ENGINE_VERSION,
    config: applyChanges({}, opts.changes),
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created: now, comment: opts.message || `Imported from ${opts.from}` }],
  };
  const id = svc.commitImage(config, [layer], ref ? [{ ref, kind: 'tag' }] : []);
  svc.deps.events.emit('image', 'import', id, ref ? { name: familiarString(ref) } : {});
  send({ status: id });
  return id;
}

function targetRef(repo: string | undefined, tag: string | undefined): Reference | undefined {
  if (!repo) return undefined;
  const ref = parseReference(tag ? `${repo}:${tag}` : repo);
  if (ref.digest) throw invalidParameter('cannot import digest reference');
  return { ...ref, tag: ref.tag ?? 'latest' };
}

/** Only plain http(s) URLs; the daemon fetches them. */
export async function fetchImportSource(url: string): Promise<Readable> {
  // WHATWG URLs percent-encode control characters (a NUL too) and fetch anyway; Go's parser,
  // and so dockerd, refuses them (400).
  if (/[\x00-\x1f\x7f]/.test(url)) throw invalidParameter(`parse ${JSON.stringify(url)}: net/url: invalid control character in URL`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParameter(`invalid import source "${url}": use "-" for the request body or an http(s) URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidParameter(`unsupported import source scheme ${parsed.protocol}`);
  // Unreachable is the daemon's trouble (500, as dockerd), said as Go's client says it.
  const res = await fetch(parsed).catch((err: Error & { cause?: Error }) => {
    throw systemError(`Get ${JSON.stringify(url)}: ${err.cause?.message ?? err.message}`, err);
  });
  if (!res.ok || !res.body) throw invalidParameter(`failed to fetch ${url}: ${res.status} ${res.statusText}`);
  return Readable.fromWeb(res.body as WebReadableStream);
}

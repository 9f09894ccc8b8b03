// docker pull: resolve the reference on the registry, download the missing layers (three at
// a time, digests verified), extract them in order onto their parents, then commit the image
// and its tag and digest references in one transaction. Progress as dockerd words it.
// The compressed blobs stay in the content store (as containerd's image store keeps them), so
// a later push sends, mounts or skips exactly the registry's own blobs; they go when the last
// layer made from them is removed.
import type { ImageService } from './image-service.ts';
import type { ProgressSink } from '../../api/progress.ts';
import type { DaemonConfig } from '../config/types.ts';
import type { LayerRow } from '../../store/images.ts';
import type { Descriptor } from '../../image/types.ts';
import { resolveImage, downloadLayers, decompressorFor, type LayerEvent } from '../../image/registry/index.ts';
import { DEFAULT_DOMAIN, familiarString, formatReference, parseReference, type Reference } from '../../image/reference.ts';
import { registryClientFor } from './registry-access.ts';
import { parsePlatform } from './images-backend.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { hexOf } from '../../image/digest.ts';

export interface PullRequest {
  fromImage: string;
  tag?: string;
  platform?: string;
  auth?: string;
}

export function pullReference(fromImage: string, tag: string | undefined): Reference {
  const ref = parseReference(fromImage);
  if (tag && !ref.tag && !ref.digest) return tag.startsWith('sha256:') ? { ...ref, digest: tag } : parseReference(`${fromImage}:${tag}`);
  if (!ref.tag && !ref.digest) throw invalidParameter('pulling all tags of a repository is not supported: name a tag or digest');
  return ref;
}

export async function pullImage(svc: ImageService, config: DaemonConfig, req: PullRequest, send: ProgressSink): Promise<string> {
  const ref = pullReference(req.fromImage, req.tag);
  send({ status: `Pulling from ${ref.path}`, id: ref.tag ?? ref.digest! });
  const { client, image } = await resolveFromMirrorOrOrigin(svc, config, ref, req);
  const diffIds = image.config.rootfs.diff_ids;
  const layers = image.manifest.layers;
  if (diffIds.length !== layers.length) throw invalidParameter(`image config has ${diffIds.length} layers but the manifest lists ${layers.length}`);
  // "Up to date" only when the name already pointed at this very image, as dockerd says it.
  const configDigest = image.manifest.config.digest;
  const upToDate = ref.tag ? svc.table.resolveRef(formatReference(ref))?.imageId === configDigest : svc.table.getImage(configDigest) !== undefined;

  const missing = layers.filter((_, i) => !svc.importer.has(diffIds, i));
  for (const l of layers) if (!missing.includes(l)) send({ status: 'Already exists', id: short(l) });
  for (const l of missing) send({ status: 'Pulling fs layer', id: short(l) });
  // Each layer is extracted as soon as it and the layers below it are in: extraction of the
  // bottom layers overlaps the download of the upper ones.
  const arrived = new Map(missing.map((l) => [l.digest, deferred()]));
  const downloads = downloadLayers(client, ref.path, missing, svc.deps.content, (e) => {
    send(downloadMessage(e));
    if (e.status === 'complete' || e.status === 'exists') arrived.get(e.digest)?.resolve();
  }).catch((err: unknown) => {
    for (const d of arrived.values()) d.reject(err);
    throw err;
  });
  const rows: LayerRow[] = [];
  const extraction = (async () => {
    for (let i = 0; i < layers.length; i++) {
      await arrived.get(layers[i]!.digest)?.promise;
      rows.push(await extract(svc, rows.at(-1), layers[i]!, diffIds[i]!, ref, missing.includes(layers[i]!), send));
    }
  })();
  await Promise.all([downloads, extraction]);
  // The repo digest docker records is the index's when the tag named one.
  const repoDigest: Reference = { domain: ref.domain, path: ref.path, digest: image.indexDigest ?? image.manifestDigest };
  const refs = [...(ref.tag ? [{ ref, kind: 'tag' as const }] : []), { ref: repoDigest, kind: 'digest' as const }];
  svc.deps.content.putBytes(image.manifestBytes);
  const id = svc.commitImageBytes(image.configBytes, rows, refs);
  svc.deps.events.emit('image', 'pull', id, { name: familiarString(ref) });
  send({ status: `Digest: ${repoDigest.digest}` });
  send({ status: `Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${familiarString(ref)}` });
  return id;
}

/** Docker Hub pulls try each registry mirror first, then Docker Hub itself. */
async function resolveFromMirrorOrOrigin(svc: ImageService, config: DaemonConfig, ref: Reference, req: PullRequest) {
  const platform = req.platform ? parsePlatform(req.platform) : undefined;
  const mirrors = ref.domain === DEFAULT_DOMAIN ? config.registryMirrors : [];
  for (const mirror of mirrors) {
    const client = registryClientFor(new URL(mirror).host, undefined, config);
    try {
      return { client, image: await resolveImage(client, ref, platform) };
    } catch (err) {
      svc.deps.logger.info('registry mirror could not serve the image; trying the next source', { mirror, ref: familiarString(ref), error: (err as Error).message });
    }
  }
  const client = registryClientFor(ref.domain, req.auth, config);
  return { client, image: await resolveImage(client, ref, platform) };
}

async function extract(svc: ImageService, parent: LayerRow | undefined, blob: Descriptor, diffId: string, ref: Reference, fresh: boolean, send: ProgressSink): Promise<LayerRow> {
  const row = await svc.importer.apply(parent, {
    diffId,
    open: () => {
      let current = 0;
      let last = 0;
      const source = svc.deps.content.read(blob.digest);
      source.on('data', (c: Buffer) => {
        current += c.length;
        // A progress line at most every 100 ms: the client redraws on each one.
        if (Date.now() - last < 100 && current < blob.size) return;
        last = Date.now();
        send({ status: 'Extracting', id: short(blob), progressDetail: { current, total: blob.size } });
      });
      return source.pipe(decompressorFor(blob.mediaType));
    },
  });
  svc.table.addLayerBlob({ diffId, blobDigest: blob.digest, mediaType: blob.mediaType, size: blob.size, repository: `${ref.domain}/${ref.path}` });
  if (fresh) send({ status: 'Pull complete', id: short(blob) });
  return row;
}

function downloadMessage(e: LayerEvent): Parameters<ProgressSink>[0] {
  switch (e.status) {
    case 'waiting':
      return { status: 'Waiting', id: e.id };
    case 'downloading':
      return { status: 'Downloading', id: e.id, progressDetail: { current: e.current ?? 0, total: e.total ?? 0 } };
    case 'verifying':
      return { status: 'Verifying Checksum', id: e.id };
    case 'complete':
      return { status: 'Download complete', id: e.id };
    case 'exists':
      return { status: 'Already exists', id: e.id };
    case 'retrying':
      return { status: `Retrying: ${e.message ?? ''}`, id: e.id };
  }
}

const short = (d: Descriptor) => hexOf(d.digest).slice(0, 12);

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } {
  const d = Promise.withResolvers<void>();
  d.promise.catch(() => undefined); // its awaiter sees the rejection; unawaited, it must not be unhandled
  return d;
}

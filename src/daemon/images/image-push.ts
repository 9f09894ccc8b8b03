// docker push: for each layer reuse a blob the registry is known to have (same registry,
// recorded at pull or an earlier push — then HEAD or a cross-repository mount finds it), or
// compress the layer anew (gzip, as dockerd does); then the config and the manifest.
import { createGzip } from 'node:zlib';
import type { ImageService } from './image-service.ts';
import type { ProgressSink } from '../../api/progress.ts';
import type { DaemonConfig } from '../config/types.ts';
import type { LayerRow } from '../../store/images.ts';
import { MEDIA, type Descriptor, type Manifest } from '../../image/types.ts';
import { pushImage, type PushEvent } from '../../image/registry/index.ts';
import { familiarName, formatReference, parseReference, type Reference } from '../../image/reference.ts';
import { registryClientFor } from './registry-access.ts';
import { invalidParameter, notFound } from '../../api/types/errors.ts';

export interface PushRequest {
  name: string;
  tag?: string;
  auth?: string;
}

export async function pushImages(svc: ImageService, config: DaemonConfig, req: PushRequest, send: ProgressSink): Promise<void> {
  const base = parseReference(req.name);
  if (base.digest) throw invalidParameter('cannot push a digest reference');
  const tags = req.tag ? [req.tag] : base.tag ? [base.tag] : tagsOf(svc, base);
  send({ status: `The push refers to repository [${base.domain}/${base.path}]` });
  for (const tag of tags) await pushOne(svc, config, { ...base, tag }, req.auth, send);
}

function tagsOf(svc: ImageService, base: Reference): string[] {
  const prefix = `${base.domain}/${base.path}:`;
  const tags = svc.table.allRefs().filter((r) => r.kind === 'tag' && r.ref.startsWith(prefix)).map((r) => r.ref.slice(prefix.length));
  if (!tags.length) throw notFound(`An image does not exist locally with the tag: ${familiarName(base)}`);
  return tags;
}

async function pushOne(svc: ImageService, config: DaemonConfig, ref: Reference, auth: string | undefined, send: ProgressSink): Promise<void> {
  const hit = svc.table.resolveRef(formatReference(ref));
  if (!hit) throw notFound(`tag does not exist: ${familiarName(ref)}:${ref.tag}`);
  const configBytes = svc.deps.content.readBytes(hit.imageId);
  const layerRows = svc.table.layersOf(hit.imageId);
  const repository = `${ref.domain}/${ref.path}`;
  const temp: string[] = [];
  try {
    const layers = await Promise.all(layerRows.map((l) => layerBlob(svc, l, ref.domain, temp)));
    const oci = layers.some((l) => l.descriptor.mediaType.startsWith('application/vnd.oci.'));
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: oci ? MEDIA.ociManifest : MEDIA.dockerManifest,
      config: { mediaType: oci ? MEDIA.ociConfig : MEDIA.dockerConfig, digest: hit.imageId, size: configBytes.length },
      layers: layers.map((l) => ({ ...l.descriptor, mediaType: layerType(l.descriptor.mediaType, oci) })),
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const client = registryClientFor(ref.domain, auth, config);
    const mountFrom = (digest: string) => layers.find((l) => l.descriptor.digest === digest)?.repos.filter((r) => r !== repository).map((r) => r.slice(ref.domain.length + 1)) ?? [];
    const result = await pushImage(client, ref, {
      manifest, manifestBytes, mediaType: manifest.mediaType!, configBytes,
      layers: layers.map((l) => ({ descriptor: l.descriptor, open: () => svc.deps.content.read(l.descriptor.digest) })),
    }, { mountFrom }, (e) => send(pushMessage(e)));
    svc.table.transaction(() => {
      layerRows.forEach((l, i) => svc.table.addLayerBlob({ diffId: l.diffId, blobDigest: layers[i]!.descriptor.digest, mediaType: layers[i]!.descriptor.mediaType, size: layers[i]!.descriptor.size, repository }));
      svc.table.setRef(formatReference({ domain: ref.domain, path: ref.path, digest: result.digest }), hit.imageId, 'digest');
    });
    svc.deps.events.emit('image', 'push', hit.imageId, { name: `${familiarName(ref)}:${ref.tag}` });
    send({ status: `${ref.tag}: digest: ${result.digest} size: ${result.size}` });
    send({ progressDetail: {}, aux: { Tag: ref.tag, Digest: result.digest, Size: result.size } });
  } finally {
    for (const d of temp) svc.deps.content.delete(d);
  }
}

interface LayerBlob {
  descriptor: Descriptor;
  repos: string[];
}

/** A compressed blob for the layer: one already in the content store, or gzip it now. */
async function layerBlob(svc: ImageService, layer: LayerRow, domain: string, temp: string[]): Promise<LayerBlob> {
  const known = svc.table.layerBlobs(layer.diffId).filter((b) => b.repository.startsWith(`${domain}/`));
  const local = known.find((b) => svc.deps.content.has(b.blobDigest));
  const pick = local ?? known[0];
  if (pick && svc.deps.content.has(pick.blobDigest)) {
    return { descriptor: { mediaType: pick.mediaType, digest: pick.blobDigest, size: pick.size }, repos: known.filter((b) => b.blobDigest === pick.blobDigest).map((b) => b.repository) };
  }
  const gz = svc.deps.layers.tarLayer(layer.cacheId).pipe(createGzip());
  const { digest, size } = await svc.deps.content.ingest(gz);
  temp.push(digest);
  const repos = known.filter((b) => b.blobDigest === digest).map((b) => b.repository);
  return { descriptor: { mediaType: MEDIA.dockerLayer, digest, size }, repos };
}

function layerType(mediaType: string, oci: boolean): string {
  const gzip = mediaType === MEDIA.dockerLayer || mediaType === MEDIA.ociLayerGzip;
  if (gzip) return oci ? MEDIA.ociLayerGzip : MEDIA.dockerLayer;
  return mediaType;
}

function pushMessage(e: PushEvent): Parameters<ProgressSink>[0] {
  switch (e.status) {
    case 'preparing':
      return { status: 'Preparing', id: e.id };
    case 'waiting':
      return { status: 'Waiting', id: e.id };
    case 'exists':
      return { status: 'Layer already exists', id: e.id };
    case 'mounted':
      return { status: `Mounted from ${e.from ?? ''}`, id: e.id };
    case 'pushing':
      return { status: 'Pushing', id: e.id, progressDetail: { current: e.current ?? 0, total: e.total ?? 0 } };
    case 'pushed':
      return { status: 'Pushed', id: e.id };
  }
}

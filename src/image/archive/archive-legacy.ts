// The `docker save` layout from before Docker 1.10: no manifest.json, a directory per layer
// named by its v1 id with `json` (a v1 image, see legacy-v1.ts), `layer.tar` and `VERSION`, and
// a `repositories` file of name -> tag -> layer id. As dockerd's legacy loader does, every
// directory becomes an image: its layers are its parent chain's plus its own, its config is
// converted from its json with the chain's history, its parent is the image of its parent
// directory. Unlike dockerd, all of it (every json, the parent chains, every tag) is read and
// checked, and each layer's diff id computed from its file, before the first layer is applied.
import { invalidParameter } from '../../api/types/errors.ts';
import { sha256 } from '../digest.ts';
import { parseReference, type Reference } from '../reference.ts';
import { REPOSITORIES_FILE } from './archive-format.ts';
import { layerDiffId } from './archive-layers.ts';
import type { LoadImage, LoadLayer } from './archive-plan.ts';
import type { ArchiveFile, UnpackedArchive } from './archive-reader.ts';
import { goSorted } from './go-json.ts';
import { legacyConfig, readV1Image, type V1Image } from './legacy-v1.ts';

interface Layer {
  v1: V1Image;
  file: ArchiveFile;
}

interface Planned extends LoadImage {
  history: string[];
}

export async function planLegacyLoad(a: UnpackedArchive): Promise<LoadImage[]> {
  const tags = await readRepositories(a);
  const layers = new Map<string, Layer>();
  for (const dir of a.topDirectories()) layers.set(dir, await readLayer(a, dir));
  const images = new Map<string, Planned>();
  for (const dir of parentsFirst(layers)) {
    const { v1, file } = layers.get(dir)!;
    const parent = v1.parent ? images.get(v1.parent)! : undefined;
    // dockerd shows a legacy layer's progress under its v1 id.
    const layer: LoadLayer = { file, diffId: await layerDiffId({ file }), fromContent: true, progressId: dir.slice(0, 12) };
    const chain = [...(parent?.layers ?? []), layer];
    const history = [...(parent?.history ?? []), v1.history];
    const configBytes = legacyConfig(v1, chain.map((l) => l.diffId), history);
    if (parent) parent.intermediate = true;
    images.set(dir, { configBytes, layers: chain, tags: [], history, ...(parent && { parentId: sha256(parent.configBytes) }) });
  }
  for (const { ref, layer } of tags) {
    const image = images.get(layer);
    if (!image) throw invalidParameter(`invalid archive: ${REPOSITORIES_FILE} tags ${layer.length ? JSON.stringify(layer) : 'an empty layer id'}, which is not a layer directory of the archive`);
    image.tags.push(ref);
  }
  return [...images.values()].map(({ history: _, ...img }) => img);
}

async function readLayer(a: UnpackedArchive, dir: string): Promise<Layer> {
  const name = `${dir}/json`;
  if (!a.has(name)) throw invalidParameter(`invalid archive: directory ${JSON.stringify(dir)} has no json file (in the legacy layout every directory is a layer)`);
  const { value, bytes } = await a.json<unknown>(name, 'legacy image config');
  const v1 = readV1Image(value, bytes, `legacy image config ${name}`);
  if (v1.os && v1.os !== 'linux') throw invalidParameter(`image operating system "${v1.os}" cannot be used on this platform`);
  return { v1, file: a.file(`${dir}/layer.tar`, 'layer') };
}

/** Layer directories with every parent before its children; missing parents and loops refused. */
function parentsFirst(layers: Map<string, Layer>): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  for (const start of layers.keys()) {
    const chain: string[] = [];
    for (let dir = start; dir && !done.has(dir); dir = layers.get(dir)!.v1.parent) {
      if (chain.includes(dir)) throw invalidParameter(`invalid archive: the parent chain of layer ${JSON.stringify(start)} loops back to ${JSON.stringify(dir)}`);
      if (!layers.has(dir)) throw invalidParameter(`invalid archive: layer ${JSON.stringify(chain.at(-1))} names parent ${JSON.stringify(dir)}, which is not a layer directory of the archive`);
      chain.push(dir);
    }
    for (const dir of chain.reverse()) {
      done.add(dir);
      order.push(dir);
    }
  }
  return order;
}

/** repositories: name -> tag -> layer id, in a stable order (names, then tags, by bytes). */
async function readRepositories(a: UnpackedArchive): Promise<{ ref: Reference; layer: string }[]> {
  const { value } = await a.json<unknown>(REPOSITORIES_FILE, 'repositories file');
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const shape = () => invalidParameter(`invalid archive: ${REPOSITORIES_FILE} must map repository names to objects of tag: layer id`);
  if (value === null) return [];
  if (!isObject(value)) throw shape();
  const out: { ref: Reference; layer: string }[] = [];
  for (const name of goSorted(Object.keys(value))) {
    const tags = value[name];
    if (tags === null) continue;
    if (!isObject(tags)) throw shape();
    for (const tag of goSorted(Object.keys(tags))) {
      const layer = tags[tag] ?? '';
      if (typeof layer !== 'string') throw shape();
      out.push({ ref: legacyTag(name, tag), layer });
    }
  }
  return out;
}

/** dockerd: ParseNormalizedNamed(name), then WithTag(tag), which replaces any tag the name had. */
function legacyTag(name: string, tag: string): Reference {
  let ref: Reference;
  try {
    ref = parseReference(name);
  } catch (err) {
    throw invalidParameter(`invalid archive: ${REPOSITORIES_FILE} names repository ${JSON.stringify(name)}: ${(err as Error).message}`);
  }
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw invalidParameter(`invalid archive: ${REPOSITORIES_FILE} gives ${name} the tag ${JSON.stringify(tag)}: invalid tag format`);
  if (ref.digest) throw invalidParameter(`invalid archive: ${REPOSITORIES_FILE} names repository ${JSON.stringify(name)}, which has a digest`);
  return { domain: ref.domain, path: ref.path, tag };
}

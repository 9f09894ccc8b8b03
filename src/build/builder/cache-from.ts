// --cache-from with the classic builder's rule (moby's image/cache): after a miss in the local
// cache, a step is taken from a cache-from image when that image's history continues the
// parent's exactly (same entries, same layers) and its next entry was made by the same text
// (created_by: RUN's with its build args, COPY's with its sources' checksum). The host then
// makes an image of the parent plus the source's next history entry and layer, with this
// build's config (dockerd's restoreCachedImage). Once a source matched, the build sticks to it.
// A named image that is not here is skipped with a warning (dockerd logs it and goes on).
import type { ContainerConfig, ImageConfig } from '../../image/types.ts';
import type { BuildHost, CacheSource } from '../host.ts';
import { stableJson } from './cache.ts';

export class CacheFrom {
  readonly #host: BuildHost;
  #sources: CacheSource[];

  private constructor(host: BuildHost, sources: CacheSource[]) {
    this.#host = host;
    this.#sources = sources;
  }

  /** The build's cache-from images; undefined when none is here (each missing one warned of). */
  static open(host: BuildHost, refs: readonly string[], warn: (text: string) => void): CacheFrom | undefined {
    const sources: CacheSource[] = [];
    for (const ref of refs) {
      const s = host.localImage(ref);
      if (s) sources.push(s);
      else warn(`[Warning] --cache-from ${ref}: no such image here, not used\n`);
    }
    return sources.length > 0 ? new CacheFrom(host, sources) : undefined;
  }

  /** The image a source has for the step after `parent` made by `createdBy`, if any. */
  async find(parent: string | undefined, createdBy: string, config: ContainerConfig): Promise<string | undefined> {
    const p = parent === undefined ? undefined : this.#host.imageConfig(parent);
    const n = p?.history?.length ?? 0;
    for (const s of this.#sources) {
      if (!continues(s.config, p) || s.config.history?.[n]?.created_by !== createdBy) continue;
      this.#sources = [s];
      if (s.config.history.length - 1 === n) return s.id;
      return (await this.#host.restoreCachedImage(parent, s.id, n, config)).id;
    }
    return undefined;
  }
}

/** `img`'s history and layers begin with all of `parent`'s (moby's isValidParent). */
function continues(img: ImageConfig, parent: ImageConfig | undefined): boolean {
  const history = img.history ?? [];
  const ph = parent?.history ?? [];
  const pd = parent?.rootfs.diff_ids ?? [];
  if (history.length === 0) return false;
  if (ph.length === 0 && pd.length === 0) return true;
  if (ph.length >= history.length || pd.length > img.rootfs.diff_ids.length) return false;
  return ph.every((e, i) => stableJson(e) === stableJson(history[i])) && pd.every((d, i) => d === img.rootfs.diff_ids[i]);
}

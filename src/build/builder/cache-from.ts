// --cache-from with the classic builder's rule (moby's image/cache): after a miss in the local
// cache, a step is taken from a cache-from image when that image's history continues the
// parent's exactly (same entries, same layers) and its next entry was made by the same text
// (created_by: RUN's with its build args, COPY's with its sources' checksum). The host then
// makes an image of the parent plus the source's next history entry and layer, with this
// build's config (dockerd's restoreCachedImage). Once a source matched, the build sticks to it.
// The two host methods are optional: a host without them makes --cache-from say it is unused.
import type { ContainerConfig, ImageConfig } from '../../image/types.ts';
import type { BuildHost, StepImage } from '../host.ts';
import { stableJson } from './cache.ts';

export interface CacheFromHost {
  /** A local image by reference or id, never pulled (dockerd skips what it does not have). */
  localImage(ref: string): { id: string; config: ImageConfig } | undefined;
  /** `parent`'s layers and history plus `source`'s history entry `index` (and its layer,
   * unless the entry is an empty_layer), with `config`. */
  restoreCachedImage(parent: string | undefined, source: string, index: number, config: ContainerConfig): Promise<StepImage>;
}

type Source = { id: string; config: ImageConfig };

export class CacheFrom {
  readonly #host: BuildHost & CacheFromHost;
  #sources: Source[];

  private constructor(host: BuildHost & CacheFromHost, sources: Source[]) {
    this.#host = host;
    this.#sources = sources;
  }

  /** The build's cache-from images; undefined (after a warning) when none can serve. */
  static open(host: BuildHost, refs: readonly string[], warn: (text: string) => void): CacheFrom | undefined {
    if (refs.length === 0) return undefined;
    const h = host as BuildHost & Partial<CacheFromHost>;
    if (typeof h.localImage !== 'function' || typeof h.restoreCachedImage !== 'function') {
      warn(`[Warning] --cache-from ${refs.join(', ')} is not used: berth's builder has only its local build cache\n`);
      return undefined;
    }
    const sources: Source[] = [];
    for (const ref of refs) {
      const s = h.localImage(ref);
      if (s) sources.push(s);
      else warn(`[Warning] --cache-from ${ref}: no such image here, not used\n`);
    }
    return sources.length > 0 ? new CacheFrom(h as BuildHost & CacheFromHost, sources) : undefined;
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

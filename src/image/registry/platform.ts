// Platform matching for manifest lists / OCI indexes, with containerd's normalisation so that
// `x86_64`, `aarch64`, `armhf` and friends name the same thing as Go's GOARCH spellings.
import { notFound } from '../../api/types/errors.ts';
import type { Descriptor, Platform } from '../types.ts';

/** berthd runs Linux containers on amd64 hosts unless told otherwise. */
export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export interface NormalPlatform {
  os: string;
  architecture: string;
  variant: string;
}

export function normalizePlatform(p: Pick<Platform, 'os' | 'architecture' | 'variant'>): NormalPlatform {
  let os = (p.os ?? '').toLowerCase();
  if (os === 'macos') os = 'darwin';
  let architecture = (p.architecture ?? '').toLowerCase();
  let variant = (p.variant ?? '').toLowerCase();
  switch (architecture) {
    case 'i386': case 'i686': case 'x86':
      architecture = '386';
      variant = '';
      break;
    case 'x86_64': case 'x86-64': case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = ''; // v1 is the baseline every amd64 has
      break;
    case 'aarch64': case 'arm64':
      architecture = 'arm64';
      if (['8', 'v8', 'v8.0'].includes(variant)) variant = ''; // v8 is arm64's baseline
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      // An unqualified "arm" image is armv7 in practice (containerd assumes the same).
      if (variant === '' || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  return { os, architecture, variant };
}

/** `linux/arm64/v8`-style text, as docker prints platforms. */
export function platformString(p: Pick<Platform, 'os' | 'architecture' | 'variant'>): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export function samePlatform(a: NormalPlatform, b: NormalPlatform, variantMatters: boolean): boolean {
  return a.os === b.os && a.architecture === b.architecture && (!variantMatters || a.variant === b.variant);
}

/**
 * The index entry for `wanted`: an exact (os, arch, variant) match first; when the caller named
 * no variant (and the architecture has no implied one), any variant of that os/arch will do.
 */
export function selectManifest(entries: readonly Descriptor[], wanted: Platform): Descriptor {
  const want = normalizePlatform(wanted);
  const candidates = entries.filter((d) => d.platform);
  const exact = candidates.find((d) => samePlatform(normalizePlatform(d.platform!), want, true));
  if (exact) return exact;
  if (!wanted.variant && want.variant === '') {
    const loose = candidates.find((d) => samePlatform(normalizePlatform(d.platform!), want, false));
    if (loose) return loose;
  }
  // dockerd's words (distribution/pull_v2.go).
  throw notFound(`no matching manifest for ${platformString(want)} in the manifest list entries`);
}

// API versions are compared per numeric component (1.9 < 1.10), never as strings or floats.

export const MAX_API_VERSION = '1.56';
export const MIN_API_VERSION = '1.24';

const VERSION_RE = /^(\d+)\.(\d+)$/;

export function isApiVersion(v: string): boolean {
  return VERSION_RE.test(v);
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export const versionLessThan = (a: string, b: string): boolean => compareVersions(a, b) < 0;
export const versionAtLeast = (a: string, b: string): boolean => compareVersions(a, b) >= 0;

export function minVersion(a: string, b: string): string {
  return versionLessThan(a, b) ? a : b;
}

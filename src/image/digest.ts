// sha256 digests: parsing, validation and computing them over streams.
import { createHash } from '../lib/lazy-crypto.ts';
import { invalidParameter } from '../api/types/errors.ts';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

export function assertDigest(s: string, what = 'digest'): string {
  if (!DIGEST_RE.test(s)) throw invalidParameter(`invalid ${what} "${s}": expected sha256:<64 hex characters>`);
  return s;
}

export function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

/** Docker's chain id: the first layer's diff id, then sha256(parent + " " + diffId). */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const parent = out.at(-1);
    out.push(parent === undefined ? diffId : sha256(`${parent} ${diffId}`));
  }
  return out;
}

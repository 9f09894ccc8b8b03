// What berthd's modules use of node:crypto, without loading it at start: loading it (OpenSSL's
// bindings, keys, ciphers, x509) costs a start ~20-50 ms of CPU (issue 12), yet a first start
// needs random IDs (the daemon's, the predefined networks'). Random bytes come straight from the
// kernel's generator (/dev/urandom, what OpenSSL seeds from); hashes load node:crypto at the
// first call.
import { closeSync, openSync, readSync } from 'node:fs';
import type * as Crypto from 'node:crypto';

const crypto = (): typeof Crypto => process.getBuiltinModule('node:crypto');

export function randomBytes(size: number): Buffer {
  const buf = Buffer.alloc(size);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let got = 0; got < size; ) got += readSync(fd, buf, got, size - got, null);
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** A random (version 4) UUID, RFC 9562. */
export function randomUUID(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An integer in [0, max). */
export const randomInt = (max: number): number => crypto().randomInt(max);
export const createHash = (algorithm: string): Crypto.Hash => crypto().createHash(algorithm);
export type { Hash } from 'node:crypto';

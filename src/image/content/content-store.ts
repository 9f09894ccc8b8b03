// Content-addressed blobs under <data-root>/image/blobs/sha256/<hex>. A blob becomes visible
// only after its bytes are on disk, fsynced, and their digest checked: it is written to
// ingest/ first and renamed into place, so no reader ever sees a partial blob.
import { createHash, randomBytes } from '../../lib/lazy-crypto.ts';
import { readFile } from 'node:fs/promises';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, renameSync, readFileSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { invalidParameter, notFound } from '../../api/types/errors.ts';
import { assertDigest, hexOf, sha256 } from '../digest.ts';

export interface IngestOptions {
  /** The digest the content must have; a mismatch deletes it and throws. */
  digest?: string;
  /** The size it must have. */
  size?: number;
  /** Called with the byte count as data arrives (progress). */
  onProgress?: (bytes: number) => void;
}

export class DigestMismatchError extends Error {
  constructor(expected: string, actual: string) {
    super(`digest mismatch: expected ${expected}, got ${actual}`);
    this.name = 'DigestMismatchError';
  }
}

export class ContentStore {
  readonly #blobs: string;
  readonly #ingest: string;

  constructor(root: string) {
    this.#blobs = join(root, 'blobs', 'sha256');
    this.#ingest = join(root, 'ingest');
    mkdirSync(this.#blobs, { recursive: true, mode: 0o700 });
    // Half-written ingests from a crash are garbage: nothing refers to them.
    rmSync(this.#ingest, { recursive: true, force: true });
    mkdirSync(this.#ingest, { recursive: true, mode: 0o700 });
  }

  path(digest: string): string {
    return join(this.#blobs, hexOf(assertDigest(digest)));
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  size(digest: string): number {
    try {
      return statSync(this.path(digest)).size;
    } catch {
      throw notFound(`content ${digest} not found`);
    }
  }

  read(digest: string): Readable {
    if (!this.has(digest)) throw notFound(`content ${digest} not found`);
    return createReadStream(this.path(digest), { highWaterMark: 1024 * 1024 });
  }

  readBytes(digest: string): Buffer {
    try {
      return readFileSync(this.path(digest));
    } catch {
      throw notFound(`content ${digest} not found`);
    }
  }

  readJson<T>(digest: string): T {
    return JSON.parse(this.readBytes(digest).toString('utf8')) as T;
  }

  /** readJson without holding the event loop for the read (lists of every image use it). */
  async readJsonAsync<T>(digest: string): Promise<T> {
    const bytes = await readFile(this.path(digest)).catch(() => {
      throw notFound(`content ${digest} not found`);
    });
    return JSON.parse(bytes.toString('utf8')) as T;
  }

  /** Store bytes already in memory (manifests, configs). */
  putBytes(data: Buffer | string, expected?: string): string {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256(buf);
    if (expected && expected !== digest) throw new DigestMismatchError(expected, digest);
    if (this.has(digest)) return digest;
    const tmp = join(this.#ingest, randomBytes(8).toString('hex'));
    writeFileSync(tmp, buf, { mode: 0o600 });
    syncFile(tmp);
    renameSync(tmp, this.path(digest));
    return digest;
  }

  /** Stream content in; resolves with its digest and size once it is published. */
  async ingest(source: Readable, opts: IngestOptions = {}): Promise<{ digest: string; size: number }> {
    if (opts.digest && this.has(opts.digest)) {
      source.resume();
      return { digest: opts.digest, size: this.size(opts.digest) };
    }
    const tmp = join(this.#ingest, randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        opts.onProgress?.(size);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp, { mode: 0o600, highWaterMark: 1024 * 1024 }));
      const digest = `sha256:${hash.digest('hex')}`;
      if (opts.digest && digest !== opts.digest) throw new DigestMismatchError(opts.digest, digest);
      if (opts.size !== undefined && opts.size !== size) {
        throw invalidParameter(`size mismatch for ${digest}: expected ${opts.size} bytes, got ${size}`);
      }
      syncFile(tmp);
      renameSync(tmp, this.path(digest));
      return { digest, size };
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  delete(digest: string): void {
    rmSync(this.path(digest), { force: true });
  }

  list(): string[] {
    return readdirSync(this.#blobs).map((hex) => `sha256:${hex}`);
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

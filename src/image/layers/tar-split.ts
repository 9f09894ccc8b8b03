// Recording a layer tar while it is extracted, so that tarLayer can later give back the very
// bytes that were read (docker's tar-split). Re-tarring the files would not do: another tool's
// header layout, PAX records, padding or trailer give another sha256, and the sha256 is the
// layer's diffID — `docker save` and push must hand out a blob that matches the image config.
//
// The record is a gzipped JSON-lines file beside the layer (never inside the container-visible
// tree), written while the tar streams past:
//   {"seg":"<base64>"}                          raw bytes: headers, PAX/GNU blocks, padding,
//                                               skipped bodies (whiteouts), the trailer
//   {"file":"<rel>","size":N,"crc":C,"i":K}     a body of N bytes, now on disk at <rel>
//   {"end":{"size":TOTAL,"files":K}}            the whole tar's size; a record without it is torn
// A body whose file a later entry of the same tar removes (a path written twice, a file
// replaced by a directory) is moved to tar-split.lost/<K> first, so it can still be read back.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Gzip } from 'node:zlib';
import { zlib } from '../../lib/lazy-zlib.ts';

export const TAR_SPLIT_FILE = 'tar-split.json.gz';
export const TAR_SPLIT_LOST = 'tar-split.lost';

/** Raw bytes are flushed as one segment line at most this big (bounded memory and line length). */
const SEGMENT_MAX = 1024 * 1024;

export type RecordLine =
  | { seg: string }
  | { file: string; size: number; crc: number; i: number }
  | { end: { size: number; files: number } };

export class TarSplitRecorder {
  /** Where the record and lost bodies go. */
  readonly metaDir: string;
  /** The layer's tree, where recorded bodies live. */
  readonly root: string;
  readonly #gz: Gzip;
  readonly #written: Promise<void>;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #total = 0;
  #files = 0;
  /** Bodies still at their path, by relative path -> file index. */
  readonly #live = new Map<string, number>();
  /** For each directory with live bodies below it, how many: a removed directory is checked
   * only when it holds some, so the common case (vfs replacing a parent's file) stays O(1). */
  readonly #liveDirs = new Map<string, number>();

  constructor(metaDir: string, root: string) {
    this.metaDir = metaDir;
    this.root = root;
    this.#gz = zlib().createGzip();
    this.#written = pipeline(this.#gz, createWriteStream(join(metaDir, TAR_SPLIT_FILE), { mode: 0o600 }));
    this.#written.catch(() => undefined); // surfaced by write()/finish(); never unhandled
  }

  /** readTar's tap: bytes that are not a body written to disk. */
  readonly raw = (b: Buffer): Promise<void> | undefined => {
    if (b.length === 0) return undefined;
    this.#pending.push(b);
    this.#pendingBytes += b.length;
    this.#total += b.length;
    return this.#pendingBytes >= SEGMENT_MAX ? this.#flush() : undefined;
  };

  /** A body of `size` bytes (crc32 `crc`) was written to rel, right after the raw bytes so far. */
  async file(rel: string, size: number, crc: number): Promise<void> {
    await this.#flush();
    const i = this.#files++;
    await this.#write({ file: rel, size, crc, i });
    this.#total += size;
    this.#live.set(rel, i);
    for (const d of ancestors(rel)) this.#liveDirs.set(d, (this.#liveDirs.get(d) ?? 0) + 1);
  }

  /** Extraction is about to delete rel (and what is below it): keep the bodies recorded there. */
  async removing(rel: string): Promise<void> {
    const hits: [string, number][] = [];
    const exact = this.#live.get(rel);
    if (exact !== undefined) hits.push([rel, exact]);
    if (rel === '' || this.#liveDirs.has(rel)) {
      const prefix = rel === '' ? '' : `${rel}/`;
      for (const [r, i] of this.#live) if (r.startsWith(prefix) && r !== rel) hits.push([r, i]);
    }
    if (hits.length === 0) return;
    const lost = join(this.metaDir, TAR_SPLIT_LOST);
    await mkdir(lost, { recursive: true, mode: 0o700 });
    for (const [r, i] of hits) {
      // Same filesystem (both under the staging dir), so a rename: no copy, hard links intact.
      await rename(join(this.root, r), join(lost, String(i)));
      this.#live.delete(r);
      for (const d of ancestors(r)) {
        const n = this.#liveDirs.get(d)! - 1;
        if (n === 0) this.#liveDirs.delete(d);
        else this.#liveDirs.set(d, n);
      }
    }
  }

  /** Close the record; streamBytes (what was hashed) must equal what was recorded. */
  async finish(streamBytes: number): Promise<void> {
    await this.#flush();
    if (this.#total !== streamBytes) throw new Error(`tar-split: recorded ${this.#total} bytes of a ${streamBytes}-byte stream`);
    await this.#write({ end: { size: this.#total, files: this.#files } });
    this.#gz.end();
    await this.#written;
  }

  /** Extraction failed: stop writing (the caller removes the staging dir with the record). */
  async abort(): Promise<void> {
    this.#gz.destroy();
    await this.#written.catch(() => undefined); // destroyed just above: its rejection is that, expected
  }

  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const seg = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.#write({ seg: seg.toString('base64') });
  }

  async #write(line: RecordLine): Promise<void> {
    if (this.#gz.write(`${JSON.stringify(line)}\n`)) return;
    // Backpressure (a slow disk, or megabytes of trailing garbage after the tar's end); a
    // failed write destroys the gzip stream with the error, which rejects this wait.
    await once(this.#gz, 'drain');
  }
}

function ancestors(rel: string): string[] {
  const out: string[] = [];
  for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) out.push(rel.slice(0, i));
  return out;
}

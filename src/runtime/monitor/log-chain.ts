// A container's log files (log-files.ts) read as one byte sequence, oldest first, so tail and
// since (log-seek.ts) work across rotations unchanged: tail reads blocks back from the end and
// touches only the newest files; since picks the file by its first record, then bisects in it.
// A compressed file counts as its uncompressed size (gzip's ISIZE trailer) and is inflated into
// an unlinked temporary file only when a read reaches it.
import { closeSync, constants, createReadStream, fstatSync, openSync, read, readSync, rmSync, write } from 'node:fs';
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { zlib } from '../../lib/lazy-zlib.ts';
import { recordTime } from './k8s-log.ts';
import { openLogFiles, type OpenLogFile } from './log-files.ts';
import type { ByteSource } from './log-seek.ts';

interface Segment extends OpenLogFile {
  /** Offset of the segment's first byte in the chain. */
  base: number;
  /** Uncompressed length (the live file's grows: see end()). */
  length: number;
  /** The inflated copy of a .gz (an unlinked temporary file), once a read reached it. */
  inflated?: Promise<number>;
}

const SYNC_READ_MAX = 16 * 1024;

export class LogChain implements ByteSource {
  readonly path: string;
  readonly #segments: Segment[];
  readonly #onRead: ((bytes: number) => void) | undefined;

  private constructor(path: string, segments: Segment[], onRead?: (bytes: number) => void) {
    this.path = path;
    this.#segments = segments;
    this.#onRead = onRead;
  }

  static async open(path: string, onRead?: (bytes: number) => void): Promise<LogChain> {
    const segments: Segment[] = [];
    let base = 0;
    for (const f of await openLogFiles(path)) {
      const length = f.gz ? await gzipLength(f) : f.size;
      segments.push({ ...f, base, length });
      base += length;
    }
    return new LogChain(path, segments, onRead);
  }

  get empty(): boolean {
    return this.#segments.length === 0;
  }

  get count(): number {
    return this.#segments.length;
  }

  base(i: number): number {
    return this.#segments[i]!.base;
  }

  /** Where segment i ends; for the last one, its current size (the file may still grow). */
  async end(i: number): Promise<number> {
    const s = this.#segments[i]!;
    if (i < this.#segments.length - 1) return s.base + s.length;
    return s.base + (s.gz ? s.length : fstatSync(s.fd).size);
  }

  async size(): Promise<number> {
    return this.#segments.length ? this.end(this.#segments.length - 1) : 0;
  }

  /** The inode of the file written to last in this snapshot (the live file, if it existed). */
  get lastIno(): number | undefined {
    return this.#segments.at(-1)?.ino;
  }

  get hasLive(): boolean {
    return this.#segments.at(-1)?.live === true;
  }

  /** The same position in a newer snapshot of the log, found by the file it falls in. */
  positionIn(next: LogChain, pos: number): number | undefined {
    const i = this.#segments.findLastIndex((s) => s.base <= pos);
    const s = this.#segments[i];
    if (!s || s.gz) return undefined;
    const same = next.#segments.find((t) => !t.gz && t.ino === s.ino);
    return same && same.base + (pos - s.base);
  }

  /** The timestamp of segment i's first record (undefined if it has none). */
  async firstTime(i: number): Promise<bigint | undefined> {
    const s = this.#segments[i]!;
    if (!s.gz || s.inflated) return recordTime(await this.#readSegment(s, 0, 64));
    return recordTime(await gunzipHead(s.fd, 64));
  }

  async read(pos: number, len: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    for (let i = this.#segments.findLastIndex((s) => s.base <= pos); i >= 0 && i < this.#segments.length && got < len; i++) {
      const s = this.#segments[i]!;
      const last = i === this.#segments.length - 1;
      const at = pos + got - s.base;
      const want = last ? len - got : Math.min(len - got, s.length - at);
      if (want <= 0) continue;
      let b = await this.#readSegment(s, at, want);
      // A damaged .gz shorter than its trailer says: newlines stand in, which no reader takes for a record.
      if (!last && b.length < want) b = Buffer.concat([b, Buffer.alloc(want - b.length, 0x0a)]);
      parts.push(b);
      got += b.length;
      if (last) break;
    }
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.#onRead?.(out.length);
    return out;
  }

  async #readSegment(s: Segment, at: number, len: number): Promise<Buffer> {
    const fd = s.gz ? await (s.inflated ??= inflate(s)) : s.fd;
    const buf = Buffer.allocUnsafe(len);
    // A tail or a since probe reads a few KiB: at once, as a thread-pool round trip costs more
    // than the read. The big reads of a whole log stay off the event loop.
    const small = len <= SYNC_READ_MAX;
    let got = 0;
    while (got < len) {
      const bytesRead = small ? readSync(fd, buf, got, len - got, at + got) : await readAsync(fd, buf, got, len - got, at + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  }

  async close(): Promise<void> {
    for (const s of this.#segments) {
      closeQuietly(s.fd);
      if (s.inflated) closeQuietly(await s.inflated.catch(() => undefined)); // a failed inflate left no file to close; its reader reported it
    }
  }
}

/** gzip's ISIZE: the uncompressed length modulo 2^32, from the last 4 bytes; 0 for what is not gzip. */
async function gzipLength(f: OpenLogFile): Promise<number> {
  if (f.size < 18) return 0;
  const head = Buffer.alloc(2);
  const tail = Buffer.alloc(4);
  readSync(f.fd, head, 0, 2, 0);
  readSync(f.fd, tail, 0, 4, f.size - 4);
  if (head[0] !== 0x1f || head[1] !== 0x8b) return 0;
  const isize = tail.readUInt32LE(0);
  // deflate never compresses better than ~1032:1: a larger ISIZE is a damaged trailer.
  return isize <= f.size * 1032 ? isize : 0;
}

async function gunzipHead(fd: number, bytes: number): Promise<Buffer> {
  const stream = createReadStream('', { fd, start: 0, autoClose: false }).pipe(zlib().createGunzip());
  const parts: Buffer[] = [];
  let got = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got >= bytes) break;
    }
  } catch {
    // a damaged file: whatever came out before the damage
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

/** The uncompressed bytes in an unlinked file beside the log (or in the temp dir). */
async function inflate(s: Segment): Promise<number> {
  const name = `.${basename(s.path)}.read-${randomBytes(4).toString('hex')}`;
  let tmp: string = join(dirname(s.path), name);
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
  let out: number;
  try {
    out = openSync(tmp, flags, 0o600);
  } catch {
    out = openSync((tmp = join(tmpdir(), name)), flags, 0o600);
  }
  rmSync(tmp, { force: true });
  try {
    for await (const chunk of createReadStream('', { fd: s.fd, start: 0, autoClose: false }).pipe(zlib().createGunzip())) await writeAsync(out, chunk as Buffer);
  } catch {
    // damaged: keep what was inflated (read() pads the rest)
  }
  return out;
}

function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

const readAsync = (fd: number, buf: Buffer, off: number, len: number, pos: number) =>
  new Promise<number>((resolve, reject) => read(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n))));

async function writeAsync(fd: number, data: Buffer): Promise<void> {
  for (let off = 0; off < data.length; ) {
    off += await new Promise<number>((resolve, reject) => write(fd, data, off, data.length - off, null, (err, n) => (err ? reject(err) : resolve(n))));
  }
}

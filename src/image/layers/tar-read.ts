// A small streaming tar reader for layer extraction. We do not use tar-stream's extractor here
// because it decodes PAX values as UTF-8 text (binary xattrs such as security.capability would
// be corrupted) and ignores PAX uid/gid/mtime. This one understands ustar, GNU long names (L/K),
// PAX (x; g is ignored, as docker does), base-256 numbers, and refuses everything else loudly.
import { invalidParameter } from '../../api/types/errors.ts';
import { cstr, decodeHeader, num, parsePax, text, verifyChecksum } from './tar-header.ts';

export type EntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  name: string;
  /** The entry type, or the raw typeflag when it is one we do not extract. */
  type: EntryType | `unsupported:${string}`;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch; PAX mtimes keep their fraction. */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** SCHILY.xattr.* records, values as raw bytes. */
  xattrs: Map<string, Buffer>;
}

export interface TarEntry {
  header: TarHeader;
  /** The entry's data; whatever the consumer leaves unread is skipped. */
  body: AsyncIterable<Buffer>;
}

const META_MAX = 1024 * 1024; // PAX and GNU long-name blocks: names are capped far lower later

/** Pulls exact byte counts out of a chunked async source. */
class Bytes {
  readonly #it: AsyncIterator<Buffer | Uint8Array>;
  #chunks: Buffer[] = [];
  #avail = 0;
  #eof = false;
  constructor(src: AsyncIterable<Buffer | Uint8Array>) {
    this.#it = src[Symbol.asyncIterator]();
  }
  async #more(): Promise<boolean> {
    if (this.#eof) return false;
    const r = await this.#it.next();
    if (r.done) {
      this.#eof = true;
      return false;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    if (b.length > 0) {
      this.#chunks.push(b);
      this.#avail += b.length;
    }
    return true;
  }
  /** Exactly n bytes; null on a clean end of stream before the first byte. */
  async take(n: number): Promise<Buffer | null> {
    while (this.#avail < n) {
      if (await this.#more()) continue;
      if (this.#avail === 0) return null;
      throw truncated();
    }
    const out = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; ) off += this.#copy(out, off, n - off);
    return out;
  }
  /** Between 1 and max bytes, without copying when possible (file bodies). */
  async some(max: number): Promise<Buffer> {
    while (this.#avail === 0) if (!(await this.#more())) throw truncated();
    const head = this.#chunks[0]!;
    if (head.length <= max) {
      this.#chunks.shift();
      this.#avail -= head.length;
      return head;
    }
    this.#chunks[0] = head.subarray(max);
    this.#avail -= max;
    return head.subarray(0, max);
  }
  #copy(out: Buffer, off: number, want: number): number {
    const head = this.#chunks[0]!;
    const n = Math.min(want, head.length);
    head.copy(out, off, 0, n);
    if (n === head.length) this.#chunks.shift();
    else this.#chunks[0] = head.subarray(n);
    this.#avail -= n;
    return n;
  }
  /** Read to the end: the diffID covers every byte, trailing padding included. */
  async drain(tap: TarTap | undefined): Promise<void> {
    do {
      for (const c of this.#chunks) await tap?.(c);
      this.#chunks = [];
      this.#avail = 0;
    } while (await this.#more());
  }
  async close(): Promise<void> {
    await this.#it.return?.();
  }
}

function truncated() {
  return invalidParameter('invalid layer tar: unexpected end of stream');
}

/**
 * Told every byte of the stream that is not handed out as an entry body, in stream order:
 * header blocks (PAX and GNU long-name blocks too), padding, bodies the consumer left unread,
 * the end-of-archive blocks and anything after them. Together with the bodies that is the
 * whole stream, which is what tar-split.ts needs to give a layer back byte for byte.
 */
export type TarTap = (raw: Buffer) => void | Promise<void>;

export async function* readTar(src: AsyncIterable<Buffer | Uint8Array>, tap?: TarTap): AsyncGenerator<TarEntry> {
  const bytes = new Bytes(src);
  let complete = false;
  try {
    let pax: Map<string, Buffer> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const block = await bytes.take(512);
      if (block !== null) await tap?.(block);
      if (block === null || block.every((b) => b === 0)) {
        // End of archive (docker also accepts a missing trailer). Pending long headers
        // with no entry to apply to mean the archive was cut.
        if (pax || longName !== undefined || longLink !== undefined) throw truncated();
        await bytes.drain(tap);
        complete = true;
        return;
      }
      verifyChecksum(block);
      const flag = block[156] === 0 ? '\0' : String.fromCharCode(block[156]!);
      const rawSize = num(block, 124, 12, 'size');
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (rawSize > META_MAX) throw invalidParameter(`invalid layer tar: ${flag} header of ${rawSize} bytes`);
        const data = (await bytes.take(rawSize)) ?? Buffer.alloc(0);
        if (data.length < rawSize) throw truncated();
        await tap?.(data);
        await skipPadding(bytes, rawSize, tap);
        if (flag === 'x') pax = parsePax(data);
        else if (flag === 'L') longName = text(cstr(data, 0, data.length), 'long name');
        else if (flag === 'K') longLink = text(cstr(data, 0, data.length), 'long link name');
        continue; // 'g' (PAX global) records are ignored, as docker does
      }
      const header = decodeHeader(block, flag, rawSize, pax, longName, longLink);
      pax = longName = longLink = undefined;
      // Go (and so docker) treat these types as header-only whatever their size field says.
      const dataSize = header.type === 'file' || header.type.startsWith('unsupported:') ? header.size : 0;
      let left = dataSize;
      const body = (async function* () {
        while (left > 0) {
          const chunk = await bytes.some(left);
          left -= chunk.length;
          yield chunk;
        }
      })();
      yield { header, body };
      while (left > 0) {
        const skipped = await bytes.some(left);
        left -= skipped.length;
        await tap?.(skipped);
      }
      await skipPadding(bytes, dataSize, tap);
    }
  } finally {
    // On an error (or a consumer that stopped early) release the source stream.
    if (!complete) await bytes.close();
  }
}

async function skipPadding(bytes: Bytes, size: number, tap: TarTap | undefined): Promise<void> {
  const pad = (512 - (size % 512)) % 512;
  if (pad === 0) return;
  const b = await bytes.take(pad);
  // The stream ending exactly where the last body ends (no padding, no trailer) is the end of
  // the archive for Go's reader (tryReadFull's io.EOF), so for dockerd: the docker CLI sends
  // such tars (a build with -f outside the context). A padding cut short is still an error.
  if (b === null) return;
  await tap?.(b);
}

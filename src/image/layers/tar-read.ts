// A small streaming tar reader for layer extraction. We do not use tar-stream's extractor here
// because it decodes PAX values as UTF-8 text (binary xattrs such as security.capability would
// be corrupted) and ignores PAX uid/gid/mtime. This one understands ustar, GNU long names (L/K),
// PAX (x; g is ignored, as docker does), base-256 numbers, and refuses everything else loudly.
import { invalidParameter } from '../../api/types/errors.ts';

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

const TYPES: Record<string, EntryType> = { '0': 'file', '7': 'file', '1': 'link', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo' };
const META_MAX = 1024 * 1024; // PAX and GNU long-name blocks: names are capped far lower later
const utf8 = new TextDecoder('utf-8', { fatal: true });

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
  async drain(): Promise<void> {
    do {
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

export async function* readTar(src: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<TarEntry> {
  const bytes = new Bytes(src);
  let complete = false;
  try {
    let pax: Map<string, Buffer> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const block = await bytes.take(512);
      if (block === null || block.every((b) => b === 0)) {
        // End of archive (docker also accepts a missing trailer). Pending long headers
        // with no entry to apply to mean the archive was cut.
        if (pax || longName !== undefined || longLink !== undefined) throw truncated();
        await bytes.drain();
        complete = true;
        return;
      }
      verifyChecksum(block);
      const flag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
      const rawSize = num(block, 124, 12, 'size');
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (rawSize > META_MAX) throw invalidParameter(`invalid layer tar: ${flag} header of ${rawSize} bytes`);
        const data = (await bytes.take(rawSize)) ?? Buffer.alloc(0);
        if (data.length < rawSize) throw truncated();
        await skipPadding(bytes, rawSize);
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
      while (left > 0) left -= (await bytes.some(left)).length;
      await skipPadding(bytes, dataSize);
    }
  } finally {
    // On an error (or a consumer that stopped early) release the source stream.
    if (!complete) await bytes.close();
  }
}

async function skipPadding(bytes: Bytes, size: number): Promise<void> {
  const pad = (512 - (size % 512)) % 512;
  if (pad && (await bytes.take(pad)) === null) throw truncated();
}

function decodeHeader(b: Buffer, flag: string, size: number, pax: Map<string, Buffer> | undefined, longName?: string, longLink?: string): TarHeader {
  const magic = b.toString('latin1', 257, 263);
  let name = text(cstr(b, 0, 100), 'name');
  // POSIX ustar splits long names into prefix + name; GNU uses those bytes for other fields.
  if (magic === 'ustar\0' && b[345] !== 0) name = `${text(cstr(b, 345, 155), 'name prefix')}/${name}`;
  let linkname = text(cstr(b, 157, 100), 'link name');
  if (longName !== undefined) name = longName;
  if (longLink !== undefined) linkname = longLink;
  let type: TarHeader['type'] = TYPES[flag] ?? `unsupported:${flag}`;
  if (flag === '0' && name.endsWith('/')) type = 'directory'; // pre-POSIX directories
  const h: TarHeader = {
    name, type, size, linkname,
    mode: num(b, 100, 8, 'mode'),
    uid: num(b, 108, 8, 'uid'),
    gid: num(b, 116, 8, 'gid'),
    mtime: num(b, 136, 12, 'mtime'),
    devmajor: num(b, 329, 8, 'devmajor'),
    devminor: num(b, 337, 8, 'devminor'),
    xattrs: new Map(),
  };
  for (const [key, value] of pax ?? []) {
    if (key === 'path') h.name = text(value, 'PAX path');
    else if (key === 'linkpath') h.linkname = text(value, 'PAX linkpath');
    else if (key === 'size' || key === 'uid' || key === 'gid') h[key] = decimal(value, key);
    else if (key === 'mtime') h.mtime = seconds(value);
    else if (key.startsWith('SCHILY.xattr.')) h.xattrs.set(key.slice('SCHILY.xattr.'.length), value);
    else if (key.startsWith('GNU.sparse.')) h.type = 'unsupported:GNU sparse';
  }
  return h;
}

function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let pos = 0; pos < data.length; ) {
    const sp = data.indexOf(0x20, pos);
    const len = sp > pos ? Number(data.toString('latin1', pos, sp)) : NaN;
    const end = pos + len;
    if (!Number.isInteger(len) || len <= sp - pos || end > data.length || data[end - 1] !== 0x0a) {
      throw invalidParameter('invalid layer tar: malformed PAX record');
    }
    const eq = data.indexOf(0x3d, sp + 1);
    if (eq < 0 || eq >= end) throw invalidParameter('invalid layer tar: malformed PAX record');
    out.set(text(data.subarray(sp + 1, eq), 'PAX key'), data.subarray(eq + 1, end - 1));
    pos = end;
  }
  return out;
}

function verifyChecksum(b: Buffer): void {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  const want = num(b, 148, 8, 'checksum');
  if (want !== unsigned && want !== signed) throw invalidParameter('invalid layer tar: header checksum mismatch (not an uncompressed tar?)');
}

/** A numeric header field: octal text, or GNU base-256 when the high bit is set. */
function num(b: Buffer, off: number, len: number, what: string): number {
  if (b[off]! & 0x80) {
    if (b[off] === 0xff) throw invalidParameter(`invalid layer tar: negative ${what}`);
    let v = b[off]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!;
    if (!Number.isSafeInteger(v)) throw invalidParameter(`invalid layer tar: ${what} out of range`);
    return v;
  }
  const s = cstr(b, off, len).toString('latin1').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw invalidParameter(`invalid layer tar: bad ${what} field "${s}"`);
  return parseInt(s, 8);
}

function decimal(v: Buffer, what: string): number {
  const s = v.toString('latin1');
  if (!/^[0-9]{1,16}$/.test(s)) throw invalidParameter(`invalid layer tar: bad PAX ${what} "${s}"`);
  return Number(s);
}

function seconds(v: Buffer): number {
  const s = v.toString('latin1');
  if (!/^-?[0-9]{1,12}(\.[0-9]*)?$/.test(s)) throw invalidParameter(`invalid layer tar: bad PAX mtime "${s}"`);
  return Number(s);
}

function cstr(b: Buffer, off: number, len: number): Buffer {
  const end = b.indexOf(0, off);
  return b.subarray(off, end < 0 || end > off + len ? off + len : end);
}

/** Names must be UTF-8: Node paths are strings, and a lossy decode would silently rename files. */
function text(b: Buffer, what: string): string {
  try {
    return utf8.decode(b);
  } catch {
    throw invalidParameter(`invalid layer tar: ${what} is not valid UTF-8 (${JSON.stringify(b.toString('latin1'))})`);
  }
}

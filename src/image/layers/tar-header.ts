// Decoding tar header blocks for tar-read.ts: ustar/GNU fields, base-256 numbers, PAX records
// (values kept as raw bytes) and checksums. Every malformed field is an invalid-parameter error
// naming the field, since a layer tar is untrusted input.
import { invalidParameter } from '../../api/types/errors.ts';
import type { EntryType, TarHeader } from './tar-read.ts';

const TYPES: Record<string, EntryType> = { '\0': 'file', '0': 'file', '7': 'file', '1': 'link', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeHeader(b: Buffer, flag: string, size: number, pax: Map<string, Buffer> | undefined, longName?: string, longLink?: string): TarHeader {
  const magic = b.toString('latin1', 257, 263);
  let name = text(cstr(b, 0, 100), 'name');
  // POSIX ustar splits long names into prefix + name; GNU uses those bytes for other fields.
  if (magic === 'ustar\0' && b[345] !== 0) name = `${text(cstr(b, 345, 155), 'name prefix')}/${name}`;
  let linkname = text(cstr(b, 157, 100), 'link name');
  if (longName !== undefined) name = longName;
  if (longLink !== undefined) linkname = longLink;
  const h: TarHeader = {
    name, size, linkname,
    type: TYPES[flag] ?? `unsupported:${flag}`,
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
  // Pre-POSIX archives (typeflag NUL) mark directories by a trailing slash only, as Go reads them.
  if (flag === '\0' && h.name.endsWith('/')) h.type = 'directory';
  return h;
}

export function parsePax(data: Buffer): Map<string, Buffer> {
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

export function verifyChecksum(b: Buffer): void {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  let want = -1;
  try {
    want = num(b, 148, 8, 'checksum');
  } catch {
    // not even a number there: reported as the mismatch it is
  }
  if (want !== unsigned && want !== signed) {
    const compressed = b[0] === 0x1f && b[1] === 0x8b ? 'gzip' : b.readUInt32LE(0) === 0xfd2fb528 ? 'zstd' : '';
    if (compressed) throw invalidParameter(`invalid layer tar: the stream is ${compressed}-compressed; decompress it first`);
    throw invalidParameter('invalid layer tar: header checksum mismatch (not an uncompressed tar?)');
  }
}

/** A numeric header field: octal text, or GNU base-256 when the high bit is set. */
export function num(b: Buffer, off: number, len: number, what: string): number {
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

export function cstr(b: Buffer, off: number, len: number): Buffer {
  const end = b.indexOf(0, off);
  return b.subarray(off, end < 0 || end > off + len ? off + len : end);
}

/** Names must be UTF-8: Node paths are strings, and a lossy decode would silently rename files. */
export function text(b: Buffer, what: string): string {
  try {
    return utf8.decode(b);
  } catch {
    throw invalidParameter(`invalid layer tar: ${what} is not valid UTF-8 (${JSON.stringify(b.toString('latin1'))})`);
  }
}

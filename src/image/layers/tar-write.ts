// Deterministic tar headers for layers we export (save, push). Identical trees must give
// identical bytes, because the tar's sha256 is the layer's diffID. So: ustar headers with empty
// uname/gname and whole-second mtimes, and a PAX header only when a value does not fit (long
// or non-ASCII names, big ids/sizes) or for xattrs, with records in a fixed order. tar-stream's
// packer cannot write binary xattr values, hence this small encoder.

export type WriteType = '0' | '1' | '2' | '3' | '4' | '5' | '6';

export interface WriteHeader {
  name: string;
  type: WriteType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds since the epoch. */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: ReadonlyMap<string, Buffer>;
}

const OCTAL_7 = 0o7777777;
const OCTAL_11 = 0o77777777777;

/** The header block(s) for one entry: an optional PAX header with its data, then the ustar block. */
export function encodeHeader(h: WriteHeader): Buffer {
  const records: [string, Buffer][] = [];
  const name = Buffer.from(h.name);
  const link = Buffer.from(h.linkname ?? '');
  if (name.length > 100 || !isAscii(name)) records.push(['path', name]);
  if (link.length > 100 || !isAscii(link)) records.push(['linkpath', link]);
  for (const key of ['uid', 'gid'] as const) if (h[key] > OCTAL_7) records.push([key, Buffer.from(String(h[key]))]);
  if (h.size > OCTAL_11) records.push(['size', Buffer.from(String(h.size))]);
  if (h.mtime < 0 || h.mtime > OCTAL_11) records.push(['mtime', Buffer.from(String(h.mtime))]);
  const keys = [...(h.xattrs?.keys() ?? [])].sort();
  for (const k of keys) records.push([`SCHILY.xattr.${k}`, h.xattrs!.get(k)!]);

  const main = ustar(h, name, link);
  if (records.length === 0) return main;
  const data = Buffer.concat(records.map(([k, v]) => paxRecord(k, v)));
  const paxHeader = ustar({ type: 'x', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0 }, Buffer.from('PaxHeader'), Buffer.alloc(0));
  return Buffer.concat([paxHeader, data, padding(data.length), main]);
}

export function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** The end-of-archive marker: two zero blocks, as Go's archive/tar writes it. */
export const END_OF_ARCHIVE = Buffer.alloc(1024);

interface RawHeader {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  devmajor?: number;
  devminor?: number;
}

function ustar(h: RawHeader, name: Buffer, link: Buffer): Buffer {
  const b = Buffer.alloc(512);
  // Values that did not fit are in the PAX header; the ustar fields then hold a stand-in, which
  // must not end in "/" unless it is a directory (some readers take that as a directory mark).
  let n = Math.min(100, name.length);
  if (h.type !== '5') while (n > 1 && name[n - 1] === 0x2f) n--;
  name.copy(b, 0, 0, n);
  octal(b, 100, 8, h.mode & 0o7777);
  octal(b, 108, 8, h.uid > OCTAL_7 ? 0 : h.uid);
  octal(b, 116, 8, h.gid > OCTAL_7 ? 0 : h.gid);
  octal(b, 124, 12, h.size > OCTAL_11 ? 0 : h.size);
  octal(b, 136, 12, h.mtime < 0 || h.mtime > OCTAL_11 ? 0 : h.mtime);
  b.write(h.type, 156, 'latin1');
  link.copy(b, 157, 0, Math.min(100, link.length));
  b.write('ustar\u000000', 257, 'latin1');
  octal(b, 329, 8, h.devmajor ?? 0);
  octal(b, 337, 8, h.devminor ?? 0);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const v of b) sum += v;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return b;
}

function octal(b: Buffer, off: number, len: number, v: number): void {
  b.write(`${Math.trunc(v).toString(8).padStart(len - 1, '0')}\u0000`, off, 'latin1');
}

/** "<len> <key>=<value>\n" where len counts the whole record, its own digits included. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

function isAscii(b: Buffer): boolean {
  for (const v of b) if (v < 0x20 || v > 0x7e) return false;
  return true;
}

// A small tar of regular files, made synchronously (build contexts of tests and of the
// bad-request corpus, which is a plain table).
import { encodeHeader, padding, type WriteType } from '../image/layers/tar-write.ts';

export function tarFiles(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    parts.push(encodeHeader({ name, type: '0', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0 }), data, padding(data.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A tar entry of any type (links, devices, odd names): for contexts that must be refused. */
export interface TarEntry {
  name: string;
  type?: WriteType;
  linkname?: string;
  data?: string | Buffer;
}

export function tarOfEntries(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    parts.push(encodeHeader({ name: e.name, type: e.type ?? '0', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0, ...(e.linkname && { linkname: e.linkname }) }));
    if (data.length) parts.push(data, padding(data.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

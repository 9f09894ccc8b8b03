// Unpacking an uploaded `docker load` archive into a private temp dir. The archive is untrusted:
// its entries are stored under sequence numbers, never under their own names, so no name can
// reach outside the temp dir whatever it says; names are cleaned and ".." refused; only regular
// files, directories and links are accepted. Links never become links on disk: a symlink or
// hard link inside the archive is an alias for another entry (Docker <= 24 wrote a shared layer
// once and symlinked "<id>/layer.tar" to it), and one that points outside the archive is refused.
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError, invalidParameter } from '../../api/types/errors.ts';
import { readTar } from '../layers/tar-read.ts';
import { cleanArchiveName, JSON_MAX, MAX_NESTING, resolveLinkTarget } from './archive-format.ts';

export interface ArchiveFile {
  /** Its cleaned name in the archive. */
  name: string;
  /** Where its bytes are on disk (inside the temp dir). */
  path: string;
  size: number;
  /** sha256 of the bytes as stored: a blob's digest, an uncompressed layer's diffID. */
  digest: string;
}

export class UnpackedArchive {
  readonly #files = new Map<string, ArchiveFile>();
  readonly #links = new Map<string, string>();
  /** First components of names below the top level: the directories an untar would create. */
  readonly #dirs = new Set<string>();

  addFile(f: ArchiveFile): void {
    this.#links.delete(f.name); // a later entry of the same name replaces the earlier one
    this.#files.set(f.name, f);
    this.#addDirectoryOf(f.name);
  }

  addLink(name: string, target: string): void {
    this.#files.delete(name);
    this.#links.set(name, target);
    this.#addDirectoryOf(name);
  }

  addDirectory(name: string): void {
    if (name !== '') this.#dirs.add(name.split('/')[0]!);
  }

  #addDirectoryOf(name: string): void {
    const slash = name.indexOf('/');
    if (slash > 0) this.#dirs.add(name.slice(0, slash));
  }

  /** The top-level directories, in byte order (as Go's os.ReadDir lists them). A top-level
   * name that is a file or link is not one, as for os.ReadDir's IsDir. */
  topDirectories(): string[] {
    const dirs = [...this.#dirs].filter((d) => !this.#files.has(d) && !this.#links.has(d));
    return dirs.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  has(name: string): boolean {
    return this.#files.has(name) || this.#links.has(name);
  }

  /** The regular file a name (from a manifest, so also untrusted) stands for. */
  file(raw: string, what: string): ArchiveFile {
    if (typeof raw !== 'string') throw invalidParameter(`invalid archive: ${what} path is not a string`);
    let name = cleanArchiveName(raw, `${what} path`);
    for (let depth = 0; depth <= MAX_NESTING; depth++) {
      const f = this.#files.get(name);
      if (f) return f;
      const next = this.#links.get(name);
      if (next === undefined) break;
      name = next;
    }
    throw invalidParameter(`invalid archive: ${what} ${JSON.stringify(raw)} is not in the archive`);
  }

  /** A JSON document, size-checked before it is read into memory. */
  async json<T>(raw: string, what: string): Promise<{ value: T; bytes: Buffer }> {
    const f = this.file(raw, what);
    if (f.size > JSON_MAX) throw invalidParameter(`invalid archive: ${what} ${JSON.stringify(raw)} is ${f.size} bytes, more than the ${JSON_MAX} allowed for JSON`);
    const bytes = await readFile(f.path);
    try {
      return { value: JSON.parse(bytes.toString('utf8')) as T, bytes };
    } catch {
      throw invalidParameter(`invalid archive: ${what} ${JSON.stringify(raw)} is not valid JSON`);
    }
  }
}

/** Read the (already decompressed) archive stream into dir, which must be empty and private. */
export async function unpackArchive(source: AsyncIterable<Buffer | Uint8Array>, dir: string): Promise<UnpackedArchive> {
  const archive = new UnpackedArchive();
  let seq = 0;
  try {
    for await (const { header: h, body } of readTar(source)) {
      const name = cleanArchiveName(h.name, 'entry');
      switch (h.type) {
        case 'directory':
          archive.addDirectory(name);
          break;
        case 'file': {
          if (name === '') throw invalidParameter(`invalid archive: a file entry has no name (${JSON.stringify(h.name)})`);
          const path = join(dir, String(seq++));
          archive.addFile({ name, path, size: h.size, digest: await store(path, body) });
          break;
        }
        case 'symlink':
        case 'link':
          archive.addLink(name, resolveLinkTarget(name, h.linkname, h.type === 'link' ? 'hard link' : 'symlink'));
          break;
        default:
          throw invalidParameter(`invalid archive: entry ${JSON.stringify(h.name)} is a ${h.type.replace('unsupported:', 'type ')} entry; only files, directories and links are allowed`);
      }
    }
  } catch (err) {
    // The tar reader speaks of layers; here the tar is the archive itself.
    if (err instanceof BerthError && err.message.startsWith('invalid layer tar: ')) {
      throw invalidParameter(`invalid archive: ${err.message.slice('invalid layer tar: '.length)}`);
    }
    throw err;
  }
  return archive;
}

async function store(path: string, body: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(path, 'wx', 0o600);
  try {
    for await (const chunk of body) {
      hash.update(chunk);
      for (let off = 0; off < chunk.length; ) off += (await fh.write(chunk, off)).bytesWritten;
    }
  } finally {
    await fh.close();
  }
  return `sha256:${hash.digest('hex')}`;
}

// berth context export / import: docker's context archive, a tar (or, on import, a zip) of
//   meta.json
//   tls/<endpoint>/<file>        e.g. tls/docker/ca.pem
import { closeSync, openSync, readFileSync, writeSync, constants as fsc } from 'node:fs';
import { posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import tar from 'tar-stream';
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { goErrno, parseMeta, serializeMeta, validateContextName, type ContextMeta, type ContextTlsData } from '../context/store.ts';
import { ContextsView, DEFAULT_CONTEXT, exactArgs, usageError } from './context-common.ts';
import { checkNameForCreation } from './context-create.ts';

const MAX_IMPORT_SIZE = 10 << 20;

export function registerTransferCommands(context: Command, getEnv: () => CliEnv): void {
  const exp: Command = context
    .command('export')
    .usage('[OPTIONS] CONTEXT [FILE|-]')
    .description('Export a context to a tar archive FILE or a tar stream on STDOUT.')
    .argument('[args...]')
    .action(async (args: string[]) => {
      if (args.length < 1 || args.length > 2) usageError(exp, 'requires at least 1 and at most 2 arguments');
      await runExport(getEnv(), args[0], args[1] ?? `${args[0]}.dockercontext`);
    });

  const imp: Command = context
    .command('import')
    .usage('CONTEXT FILE|-')
    .description('Import a context from a tar or zip file')
    .argument('[args...]')
    .action(async (args: string[]) => {
      exactArgs(imp, args, 2);
      await runImport(getEnv(), args[0], args[1]);
    });
}

async function runExport(env: CliEnv, name: string, dest: string): Promise<void> {
  if (name !== DEFAULT_CONTEXT) validateContextName(name);
  if (dest === '-' && env.out.isTTY) throw new Error('cowardly refusing to export to a terminal, specify a file path');
  const view = new ContextsView(env);
  const archive = await exportArchive(view.get(name), view.tlsData(name));
  if (dest === '-') {
    env.out.write(archive);
    return;
  }
  let fd: number;
  try {
    fd = openSync(dest, fsc.O_RDWR | fsc.O_CREAT | fsc.O_EXCL, 0o600);
  } catch (err) {
    throw new Error(`open ${dest}: ${goErrno(err as NodeJS.ErrnoException)}`);
  }
  try {
    for (let off = 0; off < archive.length; ) off += writeSync(fd, archive, off);
  } finally {
    closeSync(fd);
  }
  env.err.write(`Written file "${dest}"\n`);
}

/** docker's store.Export: meta.json, then a `tls` directory with one directory per endpoint. */
export async function exportArchive(meta: ContextMeta, tls: ContextTlsData): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const epoch = new Date(0);
  const body = Buffer.from(serializeMeta(meta));
  pack.entry({ name: 'meta.json', mode: 0o644, mtime: epoch, size: body.length }, body);
  pack.entry({ name: 'tls', type: 'directory', mode: 0o700, mtime: epoch });
  for (const ep of Object.keys(tls).sort()) {
    pack.entry({ name: `tls/${ep}`, type: 'directory', mode: 0o700, mtime: epoch });
    for (const file of Object.keys(tls[ep]).sort()) {
      const data = tls[ep][file];
      pack.entry({ name: `tls/${ep}/${file}`, mode: 0o600, mtime: epoch, size: data.length }, data);
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function runImport(env: CliEnv, name: string, source: string): Promise<void> {
  const view = new ContextsView(env);
  checkNameForCreation(view.store, name);
  let data: Buffer;
  if (source === '-') {
    data = await readLimited(process.stdin);
  } else {
    try {
      data = readFileSync(source);
    } catch (err) {
      throw new Error(`open ${source}: ${goErrno(err as NodeJS.ErrnoException)}`);
    }
    if (data.length > MAX_IMPORT_SIZE) throw new Error('read exceeds the defined limit');
  }
  const files = isZip(data) ? readZip(data) : await readTar(data);
  importFiles(view, name, files);
  env.out.write(`${name}\n`);
  env.err.write(`Successfully imported context "${name}"\n`);
}

async function readLimited(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > MAX_IMPORT_SIZE) throw new Error('read exceeds the defined limit');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** A regular file of the archive, in archive order. */
interface ArchiveFile {
  name: string;
  data: Buffer;
}

/** docker's importTar / importZip once the regular files are read. */
export function importFiles(view: ContextsView, name: string, files: ArchiveFile[]): void {
  const tls: ContextTlsData = {};
  let imported = false;
  for (const f of files) {
    const why = invalidPath(f.name);
    if (why) throw new Error(`${f.name}: ${why}`);
    if (f.name === 'meta.json') {
      let raw: unknown;
      try {
        raw = JSON.parse(f.data.toString('utf8'));
      } catch (err) {
        throw new Error((err as Error).message);
      }
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('json: cannot unmarshal non-object into Go value of type store.Metadata');
      const meta = parseMeta(raw as Record<string, unknown>);
      validateContextName(name);
      view.store.save({ ...meta, Name: name });
      imported = true;
    } else {
      const rest = f.name.slice('tls/'.length);
      const slash = rest.indexOf('/');
      // tls/{endpoint}/{file}; deeper paths have nowhere to go in the store.
      if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) throw new Error('archive format is invalid');
      const ep = rest.slice(0, slash);
      (tls[ep] ??= {})[rest.slice(slash + 1)] = f.data;
    }
  }
  if (!imported) throw new Error('invalid context: no metadata found');
  view.store.resetTls(name, tls);
}

function invalidPath(p: string): string | undefined {
  if (p !== 'meta.json' && !p.startsWith('tls/')) return 'unexpected context file';
  if (posix.normalize(p) !== p || p.endsWith('/')) return 'unexpected path format';
  if (p.includes('\\')) return "unexpected '\\' in path";
  return undefined;
}

function isZip(data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32LE(0) === 0x04034b50;
}

/** Regular files of a tar stream, read as Go's archive/tar would accept them. */
async function readTar(data: Buffer): Promise<ArchiveFile[]> {
  if (data.length === 0) return [];
  if (data.length < 512) throw new Error('unexpected EOF');
  // docker's own exports end without the last file's padding (nor the end-of-archive blocks);
  // Go's reader accepts that, so pad to a whole block.
  if (data.length % 512) data = Buffer.concat([data, Buffer.alloc(512 - (data.length % 512))]);
  const extract = tar.extract();
  const files: ArchiveFile[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const type = entry.header.type;
      if (type === 'file' || type === 'contiguous-file') files.push({ name: entry.header.name, data: Buffer.concat(chunks) });
    }
  })();
  extract.end(data);
  try {
    await done;
  } catch (err) {
    const msg = (err as Error).message;
    if (/^Invalid tar header/.test(msg) || msg === 'Invalid header') throw new Error('archive/tar: invalid tar header');
    if (msg === 'Unexpected end of data') throw new Error('unexpected EOF');
    throw err;
  }
  return files;
}

/** Regular files of a zip archive: stored or deflated entries, found through the central directory. */
function readZip(data: Buffer): ArchiveFile[] {
  const invalid = () => new Error('zip: not a valid zip file');
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid();
  const count = data.readUInt16LE(eocd + 10);
  let p = data.readUInt32LE(eocd + 16);
  const files: ArchiveFile[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50) throw invalid();
    const creator = data.readUInt16LE(p + 4) >> 8;
    const method = data.readUInt16LE(p + 10);
    const csize = data.readUInt32LE(p + 20);
    const nameLen = data.readUInt16LE(p + 28);
    const extraLen = data.readUInt16LE(p + 30);
    const commentLen = data.readUInt16LE(p + 32);
    const external = data.readUInt32LE(p + 38);
    const local = data.readUInt32LE(p + 42);
    const name = data.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    const unixMode = creator === 3 ? external >>> 16 : 0;
    const isDir = name.endsWith('/') || (unixMode & 0o170000) === 0o040000 || (creator !== 3 && (external & 0x10) !== 0);
    const isRegular = !isDir && (unixMode === 0 || (unixMode & 0o170000) === 0o100000);
    if (!isRegular) continue;
    if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50) throw invalid();
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + csize);
    let body: Buffer;
    if (method === 0) body = Buffer.from(raw);
    else if (method === 8) {
      try {
        body = inflateRawSync(raw, { maxOutputLength: MAX_IMPORT_SIZE });
      } catch {
        throw new Error('flate: corrupt input');
      }
    } else throw new Error('zip: unsupported compression algorithm');
    files.push({ name, data: body });
  }
  return files;
}

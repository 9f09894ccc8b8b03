// Giving a layer back as the exact tar it was extracted from: the raw segments of its tar-split
// record (see tar-split.ts) with the file bodies read from the layer's tree in between. Every
// body is checked against its recorded size and crc32 as it streams, and the total against the
// recorded size, so a layer changed on disk is an error, never a tar with a wrong diffID.
import { constants, createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { zlib } from '../../lib/lazy-zlib.ts';
import { systemError } from '../../api/types/errors.ts';
import { TAR_SPLIT_FILE, TAR_SPLIT_LOST, type RecordLine } from './tar-split.ts';

const READ_CHUNK = 256 * 1024;

export function hasTarSplit(metaDir: string): boolean {
  return existsSync(join(metaDir, TAR_SPLIT_FILE));
}

/** The record's lines, parsed, in order. */
async function* recordLines(metaDir: string): AsyncGenerator<RecordLine> {
  let rest = '';
  for await (const chunk of createReadStream(join(metaDir, TAR_SPLIT_FILE)).pipe(zlib().createGunzip()) as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString('latin1')).split('\n');
    rest = lines.pop()!;
    for (const l of lines) yield parse(metaDir, l);
  }
  if (rest !== '') yield parse(metaDir, rest);
}

function parse(metaDir: string, line: string): RecordLine {
  try {
    // latin1 above keeps chunk boundaries safe; names were UTF-8, so decode them back here.
    return JSON.parse(Buffer.from(line, 'latin1').toString('utf8')) as RecordLine;
  } catch {
    throw corrupt(metaDir, 'a line is not JSON');
  }
}

function corrupt(metaDir: string, why: string) {
  return systemError(`tar-split record of layer ${metaDir} is corrupt: ${why}`);
}

/** Sizes never change once a layer is committed, and cache ids are never reused. */
const sizes = new Map<string, number>();

/** The exact byte size of the tar assembleTar gives (the record's end line). */
export async function tarSplitSize(metaDir: string): Promise<number> {
  const known = sizes.get(metaDir);
  if (known !== undefined) return known;
  let size: number | undefined;
  for await (const l of recordLines(metaDir)) if ('end' in l) size = l.end.size;
  if (size === undefined) throw corrupt(metaDir, 'it has no end record');
  if (sizes.size > 10_000) sizes.clear();
  sizes.set(metaDir, size);
  return size;
}

/** Forget a removed layer's cached size. */
export function forgetTarSplit(metaDir: string): void {
  sizes.delete(metaDir);
}

export async function* assembleTar(metaDir: string, root: string): AsyncGenerator<Buffer> {
  const lostDir = join(metaDir, TAR_SPLIT_LOST);
  const anyLost = existsSync(lostDir);
  let total = 0;
  let ended = false;
  for await (const l of recordLines(metaDir)) {
    if (ended) throw corrupt(metaDir, 'lines after the end record');
    if ('seg' in l) {
      const b = Buffer.from(l.seg, 'base64');
      total += b.length;
      yield b;
    } else if ('file' in l) {
      const lost = anyLost ? join(lostDir, String(l.i)) : '';
      const path = lost && existsSync(lost) ? lost : join(root, l.file);
      yield* body(path, l.file, l.size, l.crc);
      total += l.size;
    } else if ('end' in l) {
      if (l.end.size !== total) throw corrupt(metaDir, `it describes ${l.end.size} bytes but holds ${total}`);
      ended = true;
    }
  }
  if (!ended) throw corrupt(metaDir, 'it has no end record');
}

async function* body(path: string, rel: string, size: number, crc: number): AsyncGenerator<Buffer> {
  // O_NOFOLLOW: the recorded path was a regular file when extracted; never read through a link.
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: unknown) => {
    throw systemError(`cannot export layer file "${rel}"`, err);
  });
  let sum = 0;
  let n = 0;
  try {
    while (n < size) {
      const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - n));
      const { bytesRead } = await fh.read(buf, 0, buf.length, n);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      sum = zlib().crc32(chunk, sum);
      n += bytesRead;
      yield chunk;
    }
    const extra = n === size ? (await fh.read(Buffer.alloc(1), 0, 1, n)).bytesRead : 0;
    if (n !== size || extra !== 0) throw systemError(`layer file "${rel}" changed size since it was extracted (${size} bytes recorded)`);
    if (sum !== crc) throw systemError(`layer file "${rel}" changed content since it was extracted (crc32 mismatch)`);
  } finally {
    await fh.close();
  }
}

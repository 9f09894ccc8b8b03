// Tar streams that may arrive compressed (docker import, docker load): the format is sniffed
// from the first bytes, as dockerd's DecompressStream does — gzip, zstd, bzip2, xz or plain.
import { spawn } from 'node:child_process';
import { PassThrough, Readable, type Transform } from 'node:stream';
import { peekStream as peek } from '../lib/peek-stream.ts';
import { zlib } from '../lib/lazy-zlib.ts';

import { invalidParameter } from '../api/types/errors.ts';

/** Bigger output chunks than zlib's 16 KiB default: layers are tens of MB, and each chunk costs a trip through the extractor. */
const DECOMPRESS_CHUNK = 256 * 1024;

/** gunzip or zstd with berth's chunk size (layer blobs, imports, loads). */
export function zlibDecompressor(format: 'gzip' | 'zstd'): Transform {
  return format === 'gzip' ? zlib().createGunzip({ chunkSize: DECOMPRESS_CHUNK }) : zlib().createZstdDecompress({ chunkSize: DECOMPRESS_CHUNK });
}

type Format = 'gzip' | 'zstd' | 'bzip2' | 'xz' | 'plain';

export function sniffFormat(head: Buffer): Format {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  return 'plain';
}

/** The stream, decompressed if it was compressed. */
export async function decompressStream(stream: Readable): Promise<Readable> {
  const { head, source } = await peek(stream, 6);
  const format = head.length >= 4 ? sniffFormat(head) : 'plain';
  switch (format) {
    case 'plain':
      return source;
    case 'gzip':
    case 'zstd':
      return source.pipe(zlibDecompressor(format));
    default:
      return external(format === 'xz' ? 'xz' : 'bzip2', source);
  }
}

function external(cmd: string, source: Readable): Readable {
  const child = spawn(cmd, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.on('error', () => out.destroy(invalidParameter(`${cmd} is needed to decompress this archive but is not installed`)));
  child.on('close', (code) => code && out.destroy(invalidParameter(`${cmd} failed: ${err.trim()}`)));
  source.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  const out = new PassThrough();
  child.stdout.pipe(out);
  return out;
}



// `berth build -`: stdin is either the context as a tar (plain, gzip, bzip2, xz or zstd; sent
// on as it comes, the daemon decompresses it) or a Dockerfile alone, which becomes a one-file
// context. Which one is told from the first 1024 bytes, as DetectArchiveReader does: a known
// compression magic, or a tar header whose checksum holds.
import { Readable } from 'node:stream';
import { sniffFormat } from '../../image/decompress.ts';
import type { PreparedContext } from './build-context.ts';
import { tarContext } from './build-tar.ts';
import { peekStream } from '../../lib/peek-stream.ts';

const PEEK = 1024;
const DOCKERFILE = 'Dockerfile';

export async function readStdinContext(stdin: Readable, file: string | undefined): Promise<PreparedContext> {
  const { head, source: rest } = await peekStream(stdin, PEEK);
  if (isArchive(head)) {
    return { body: Readable.from(rest), ...(file && { dockerfile: file }) };
  }
  if (file === '-') throw new Error('build context is not an archive');
  if (file) throw new Error('ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles');
  const chunks: Buffer[] = [];
  for await (const c of rest) chunks.push(c);
  // The docker CLI writes it to a temporary directory and tars that: a 0644 file of the user's.
  const content = Buffer.concat(chunks);
  const extra = { name: DOCKERFILE, content, mode: 0o644, mtime: Math.floor(Date.now() / 1000) };
  return { body: tarContext([], [extra]), dockerfile: DOCKERFILE };
}

/** compression.Detect, or a tar reader that accepts the first header. */
export function isArchive(head: Buffer): boolean {
  if (head.length >= 6 && sniffFormat(head) !== 'plain') return true;
  return isTarHeader(head);
}

/** A 512-byte ustar/gnu/v7 header: not all zeros, and its checksum (unsigned or signed) matches. */
function isTarHeader(head: Buffer): boolean {
  if (head.length < 512) return false;
  const block = head.subarray(0, 512);
  if (block.every((b) => b === 0)) return false;
  const field = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]+$/.test(field)) return false;
  const want = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return want === unsigned || want === signed;
}


// Tars for the context's tests: written with tar-stream (an independent writer), read back with
// the layer reader, so a test sees what a consumer of the tar would.
import { pack, type Header } from 'tar-stream';
import { readTar, type TarHeader } from '../../image/layers/tar-read.ts';

export type FixtureEntry = Partial<Header> & { name: string; body?: string };

export async function tarBytes(entries: FixtureEntry[]): Promise<Buffer> {
  const p = pack();
  for (const { body, ...h } of entries) p.entry({ type: 'file', mode: 0o644, mtime: new Date(1_000_000_000_000), ...h }, body ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

export interface ReadEntry {
  header: TarHeader;
  body: string;
}

export async function readEntries(src: AsyncIterable<Buffer | Uint8Array>): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for await (const { header, body } of readTar(src)) {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c);
    out.push({ header, body: Buffer.concat(chunks).toString() });
  }
  return out;
}

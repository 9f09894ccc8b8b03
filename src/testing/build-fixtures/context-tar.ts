// A build context as a tar in memory, for the tests that POST /build themselves or serve a
// remote context from a loopback HTTP server.
import { buffer } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';

export async function contextTar(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, text] of Object.entries(files)) p.entry({ name, mode: 0o644, mtime: new Date(0) }, text);
  p.finalize();
  return buffer(p as unknown as Readable);
}

/** The JSON messages of a build's stream (one document a line). */
export function messagesOf(text: string): Record<string, unknown>[] {
  return text.split(/\r?\n/).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The text of the stream messages, joined. */
export function streamText(messages: Record<string, unknown>[]): string {
  return messages.map((m) => (typeof m.stream === 'string' ? m.stream : '')).join('');
}

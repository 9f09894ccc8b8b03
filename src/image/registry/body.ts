// Small pieces pull and push share: reading a capped response body, turning a body into a
// Node stream, error responses into BerthErrors that keep the registry's code, and a
// fixed-width worker pool (docker transfers a few blobs at a time, not all at once).
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BerthError, systemError, type ErrorKind } from '../../api/types/errors.ts';
import { responseErrorMessage } from './response-error.ts';
import { nodeBody } from './transport.ts';

/** containerd's and dockerd's cap on a manifest: nothing legitimate comes near it. */
export const MAX_MANIFEST_BYTES = 4 << 20;
/** Configs with long histories can be big, but not this big. */
export const MAX_CONFIG_BYTES = 32 << 20;

/** Reads at most `limit` bytes, so a hostile registry cannot make berthd buffer gigabytes. */
export async function readCapped(res: Response, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) {
      await res.body.cancel().catch(() => undefined); // the body is not wanted: a cancel that fails changes nothing
      throw systemError(`${what} is larger than the ${limit} bytes allowed`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, total);
}

export function bodyStream(res: Response): Readable {
  const raw = nodeBody(res);
  if (raw) return raw;
  return res.body ? Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
}

export interface RegistryFailure {
  status: number;
  /** The distribution error codes in the body, e.g. MANIFEST_UNKNOWN, NAME_UNKNOWN, DENIED. */
  codes: string[];
  /** The text dockerd would show for it (responseErrorMessage). */
  message: string;
}

/** Consumes the body once for dockerd's text and once for the codes the text does not keep. */
export async function readFailure(res: Response): Promise<RegistryFailure> {
  const copy = res.clone();
  const message = await responseErrorMessage(res);
  let codes: string[] = [];
  try {
    const parsed = JSON.parse(await copy.text()) as { errors?: { code?: unknown }[] };
    if (Array.isArray(parsed.errors)) codes = parsed.errors.map((e) => String(e?.code ?? ''));
  } catch {
    // not a distribution error body; the message still says what happened
  }
  return { status: res.status, codes, message };
}

export function kindOfRegistryStatus(status: number): ErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'unavailable';
  return 'system';
}

/** An error for an unexpected response: `<context>: <registry's message>`. */
export async function responseError(res: Response, context?: string): Promise<BerthError> {
  const f = await readFailure(res);
  return new BerthError(kindOfRegistryStatus(f.status), context ? `${context}: ${f.message}` : f.message);
}

/** Runs `work` over `items`, `width` at a time; the first failure stops new work and is thrown. */
export async function eachLimited<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  let first: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (err) {
        if (!failed) first = err;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failed) throw first;
}

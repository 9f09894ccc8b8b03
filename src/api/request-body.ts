// JSON request bodies, refused the way dockerd refuses them: a body needs
// `Content-Type: application/json`, malformed JSON is a 400 that says where it broke, and a
// body over the limit is refused before it is buffered whole. The text of each number that
// JS would not print back the same (`1.0`, `1e7`, digits past 2^53) is kept beside the parsed
// body, so a check can judge the number as Go's decoder would (api/go-decode.ts). A string
// with a NUL byte is refused (see nulString).
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { invalidParameter } from './types/errors.ts';

export interface JsonBodyOptions {
  /** Largest body accepted, in bytes. */
  limit?: number;
  /** When true an empty body is an error instead of `undefined`. */
  required?: boolean;
}

const DEFAULT_LIMIT = 4 * 1024 * 1024;
/**
 * How long and how much more an over-limit body is read on (and dropped) before the refusal is
 * sent. A client still writing when the server closes gets EPIPE and may never read the answer;
 * Go's server lingers the same way (half-close, then reads on a while).
 */
const LINGER_MS = 500;
const LINGER_BYTES = 16 * 1024 * 1024;

/** The body's chunks up to `limit` bytes; past it, nothing more is kept (`over`). */
function readUpTo(body: Readable, limit: number): Promise<{ chunks: Buffer[]; over: boolean }> {
  return new Promise((resolve, reject) => {
    if (body.readableEnded) return resolve({ chunks: [], over: false });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let lingering: NodeJS.Timeout | undefined;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(lingering);
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      fn();
    };
    const overLimit = (): void => settle(() => (body.pause(), resolve({ chunks: [], over: true })));
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      chunks.length = 0;
      lingering ??= setTimeout(overLimit, LINGER_MS);
      if (size - limit > LINGER_BYTES) overLimit();
    };
    const onEnd = (): void => settle(() => resolve({ chunks, over: size > limit }));
    const onError = (err: Error): void => settle(() => reject(err));
    const onClose = (): void => settle(() => reject(new Error('the client closed the connection before the body ended')));
    body.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

export async function readJsonBody(
  req: IncomingMessage,
  body: Readable,
  opts: JsonBodyOptions = {},
): Promise<unknown> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw invalidParameter(`request body too large: ${declared} bytes, the limit is ${limit}`);
  }
  const { chunks, over } = await readUpTo(body, limit);
  if (over) throw invalidParameter(`request body too large: the limit is ${limit} bytes`);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') {
    if (opts.required) throw invalidParameter('invalid JSON: got EOF while reading request body');
    return undefined;
  }
  const ct = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (ct !== 'application/json') {
    throw invalidParameter(`unsupported Content-Type header (${req.headers['content-type'] ?? ''}): must be 'application/json'`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text, keepNumberText as never);
  } catch (err) {
    throw invalidParameter(`invalid JSON: ${(err as Error).message}`);
  }
  const nul = nulString(value, '');
  if (nul !== undefined) throw invalidParameter(`invalid JSON: the string at ${nul || 'the top'} contains a NUL byte`);
  return value;
}

/** Where a string (value or key) with a NUL byte is, as a path ("HostConfig.Binds[0]"), if any.
 * No field of the API can hold one: each ends up in a path, an argument, an environment or a
 * spec that a system call or runc reads as a C string, and fails there (dockerd answers some
 * with a 500 at create, most only at start), so it is refused at the door. */
function nulString(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? at : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulString(value[i], `${at}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const key = at ? `${at}.${k}` : k;
    if (k.includes('\0')) return JSON.stringify(key);
    const found = nulString(v, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Number literals as sent, by the object or array that holds them and their key there. */
const numberTexts = new WeakMap<object, Map<string, string>>();

function keepNumberText(this: object, key: string, value: unknown, context?: { source?: string }): unknown {
  const source = context?.source;
  if (typeof value === 'number' && source !== undefined && source !== String(value)) {
    let texts = numberTexts.get(this);
    if (!texts) numberTexts.set(this, (texts = new Map()));
    texts.set(key, source);
  }
  return value;
}

/** How the number at `holder[key]` was written in the body, when JS would print it otherwise. */
export function numberText(holder: object, key: string | number): string | undefined {
  return numberTexts.get(holder)?.get(String(key));
}

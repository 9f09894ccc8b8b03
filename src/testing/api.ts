// Small helpers for tests that speak the Engine API directly.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { ApiClient, RequestOptions } from '../client/api-client.ts';
import { isKind } from '../api/types/errors.ts';

export interface ProgressMessage {
  status?: string;
  id?: string;
  stream?: string;
  error?: string;
  aux?: { Digest?: string; ID?: string; Tag?: string; Size?: number };
}

/** A JSON progress stream (pull, push, import, load) read to its end. */
export async function progressOf(res: IncomingMessage): Promise<ProgressMessage[]> {
  let text = '';
  for await (const c of res) text += c.toString();
  return text.trim().split('\r\n').filter(Boolean).map((l) => JSON.parse(l) as ProgressMessage);
}

export async function progressRequest(api: ApiClient, method: string, path: string, opts: RequestOptions = {}): Promise<ProgressMessage[]> {
  return progressOf(await api.request(method, path, opts));
}

/** POST /images/create?fromSrc=- with a rootfs tar; resolves with the new image id. */
export async function importImage(api: ApiClient, body: Readable | Buffer, query: Record<string, string | string[]> = {}): Promise<string> {
  const messages = await progressRequest(api, 'POST', '/images/create', { query: { fromSrc: '-', ...query }, body, headers: { 'Content-Type': 'application/x-tar' } });
  const failed = messages.find((m) => m.error);
  if (failed) throw new Error(failed.error);
  return messages.at(-1)!.status!;
}

/** The answer, or undefined when the object is not there (a 404); any other error goes on. */
export function unlessNotFound<T>(answer: Promise<T>): Promise<T | undefined> {
  return answer.catch((err: unknown) => (isKind(err, 'not-found') ? undefined : Promise.reject(err)));
}

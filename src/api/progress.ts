// Docker's JSON progress streams (pull, push, import, load, build): one JSON object per line,
// each followed by \r\n. The status line goes out at once; an error after that travels in-band
// as {"errorDetail":{"message":...},"error":...}, before that as an ordinary JSON error.
import type { Writable } from 'node:stream';
import type { RequestContext } from './context.ts';

export interface JsonMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number; start?: number; hidecounts?: boolean; units?: string };
  stream?: string;
  aux?: unknown;
  errorDetail?: { code?: number; message: string };
  error?: string;
}

export type ProgressSink = (msg: JsonMessage) => void;

/**
 * Run `work` with a progress sink that opens the stream on its first message. Errors before any
 * message become normal HTTP errors (thrown to the server); later ones are written in-band.
 * With openAtOnce the stream opens before the work starts, so every error of the work is
 * in-band: dockerd's load answers that way (a bad archive is a 200 whose stream says why).
 */
export async function withProgress(ctx: RequestContext, work: (send: ProgressSink) => Promise<void>, opts: { openAtOnce?: boolean } = {}): Promise<void> {
  let out: Writable | undefined = opts.openAtOnce ? ctx.stream(200, 'application/json') : undefined;
  const send: ProgressSink = (msg) => {
    out ??= ctx.stream(200, 'application/json');
    if (!out.writableEnded) out.write(JSON.stringify(msg) + '\r\n');
  };
  try {
    await work(send);
  } catch (err) {
    if (!out) throw err;
    const message = err instanceof Error ? err.message : String(err);
    send({ errorDetail: { message }, error: message });
  }
  (out ?? ctx.stream(200, 'application/json')).end();
}

// docker's jsonmessage.DisplayJSONMessagesStream: how pull, push, import and load print the
// daemon's progress stream. On a terminal every id with progress owns one line, redrawn in place
// (cursor up, erase, rewrite, cursor down); elsewhere progress updates are dropped and the other
// messages print as `<id>: <status>` lines. An errorDetail ends the display with that error.
import type { JsonMessage } from '../../client/types.ts';
import { formatRfc3339NanoFixed } from '../time-arg.ts';
import { DEFAULT_WIDTH, renderProgress } from './progress-bar.ts';

export interface ProgressOut {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface DisplayOptions {
  /** Defaults to the stream's isTTY. */
  isTerminal?: boolean;
  /** Terminal columns; defaults to the stream's columns, else 200. */
  width?: number;
  /** Messages carrying `aux` go here instead of the output. */
  onAux?: (msg: JsonMessage) => void;
  /** Clock for the time-left estimate (ms). */
  now?: () => number;
}

/** An in-band error of the stream; the CLI prints its message as is and exits 1. */
export class JsonMessageError extends Error {
  readonly code: number;
  constructor(message: string, code = 0) {
    super(message);
    this.name = 'JsonMessageError';
    this.code = code;
  }
}

export const CLEAR_LINE = '\x1b[2K';
export const cursorUp = (n: number): string => (n > 0 ? `\x1b[${n}A` : '');
export const cursorDown = (n: number): string => (n > 0 ? `\x1b[${n}B` : '');

export async function displayJsonMessages(messages: AsyncIterable<JsonMessage>, out: ProgressOut, opts: DisplayOptions = {}): Promise<void> {
  const tty = opts.isTerminal ?? out.isTTY === true;
  const ctx = { out, tty, width: opts.width ?? out.columns ?? DEFAULT_WIDTH, now: opts.now ?? Date.now };
  let ids = new Map<string, number>();
  for await (const jm of messages) {
    if (jm.aux !== undefined && jm.aux !== null) {
      opts.onAux?.(jm);
      continue;
    }
    let diff = 0;
    if (jm.id && jm.progressDetail != null) {
      let line = ids.get(jm.id);
      if (line === undefined) {
        line = ids.size;
        ids.set(jm.id, line);
        if (tty) out.write('\n');
      }
      diff = ids.size - line;
      if (tty) out.write(cursorUp(diff));
    } else {
      // Anything that is not a progress line ends the block of lines being redrawn.
      ids = new Map();
    }
    const err = displayOne(jm, ctx);
    if (jm.id && tty) out.write(cursorDown(diff));
    if (err) throw err;
  }
}

/** Every message of the stream, for callers that only need it drained (e.g. --quiet). */
export async function drainJsonMessages(messages: AsyncIterable<JsonMessage>, onAux?: (msg: JsonMessage) => void): Promise<void> {
  await displayJsonMessages(messages, { write: () => true }, { isTerminal: false, ...(onAux && { onAux }) });
}

/** jsonmessage.JSONMessage.Display. */
function displayOne(jm: JsonMessage, ctx: { out: ProgressOut; tty: boolean; width: number; now: () => number }): Error | undefined {
  if (jm.errorDetail || jm.error) {
    return new JsonMessageError(jm.errorDetail?.message ?? jm.error ?? '', jm.errorDetail?.code ?? 0);
  }
  const { out, tty } = ctx;
  const hasProgress = jm.progressDetail != null;
  const progress = hasProgress ? renderProgress(jm.progressDetail!, ctx.width, ctx.now()) : '';
  let endl = '';
  if (tty && !jm.stream && hasProgress) {
    endl = '\r';
    out.write(CLEAR_LINE + endl);
  } else if (hasProgress && progress !== '') {
    return undefined; // no progress bars off a terminal
  }
  if (jm.timeNano) out.write(`${formatRfc3339NanoFixed(BigInt(jm.timeNano))} `);
  else if (jm.time) out.write(`${formatRfc3339NanoFixed(BigInt(jm.time) * 1_000_000_000n)} `);
  if (jm.id) out.write(`${jm.id}: `);
  if (jm.from) out.write(`(from ${jm.from}) `);
  if (hasProgress && tty) out.write(`${jm.status ?? ''} ${progress}${endl}`);
  else if (jm.stream) out.write(`${jm.stream}${endl}`);
  else out.write(`${jm.status ?? ''}${endl}\n`);
  return undefined;
}

// A command's text for stdout (a table, the version block), written to fd 1 with writeSync.
// Why not process.stdout: node makes that stream at its first use, and the making loads the
// stream modules (and for a pipe or a terminal node:net too) — ~9 M instructions, a third of what
// `berth version` costs over `node -e 0`, for one write. The bytes are the same: process.stdout
// writes a string as UTF-8, and on Linux it writes files, pipes and terminals synchronously too.
// A write the fd does not take at once (EAGAIN: a non-blocking pipe shared with the parent), or
// that fails (EBADF), is handed to process.stdout from where it stopped, and so is every later
// one: it then does what it always did, in order. A reader gone (EPIPE) ends berth quietly, as
// process.stdout's would (closed-output.ts).
import { writeSync } from 'node:fs';
import { endIfReaderGone } from './closed-output.ts';

export interface TextOut {
  write(text: string): boolean;
}

let handedOver = false;

export const stdoutText: TextOut = {
  write(text: string): boolean {
    if (handedOver) return process.stdout.write(text);
    const bytes = Buffer.from(text, 'utf8');
    let at = 0;
    try {
      while (at < bytes.length) at += writeSync(1, bytes, at, bytes.length - at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') endIfReaderGone(err as NodeJS.ErrnoException);
      handedOver = true;
      return process.stdout.write(bytes.subarray(at));
    }
    return true;
  },
};

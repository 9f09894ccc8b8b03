// The one place a hijacked attach connection meets the local terminal (docker's
// hijackedIOStreamer), for run, start -a and attach: output demultiplexed to stdout/stderr (or
// copied raw with a TTY), stdin copied in and half-closed at its end, and in TTY mode stdin put
// in raw mode and watched for the detach keys.
import { Writable, type Duplex, type Readable } from 'node:stream';
import { Demuxer } from '../../api/types/stdcopy.ts';
import { DEFAULT_DETACH_KEYS, EscapeDetector, detachKeyBytes } from '../../api/types/detach-keys.ts';
import { makeRaw } from './terminal.ts';

export interface HijackedIo {
  socket: Duplex;
  tty: boolean;
  /** Where the container's input comes from (process.stdin), when stdin is attached. */
  input?: Readable;
  output?: Writable | undefined;
  error?: Writable | undefined;
  /** Detach keys in docker's notation; only a TTY attach watches for them on this side. */
  detachKeys?: string | undefined;
  debug?: (line: string) => void;
}

const discard = () => new Writable({ write: (_c, _e, done) => done() });

/** Resolves when the output ends (or input ends with nothing to read), `detached` after the detach keys. */
export function streamHijacked(io: HijackedIo): Promise<{ detached: boolean }> {
  const { socket, tty } = io;
  let restore = () => undefined as void;
  let input = io.input;
  let detector: EscapeDetector | undefined;
  if (input && tty) {
    restore = makeRaw(input as NodeJS.ReadStream);
    let keys: Buffer = DEFAULT_DETACH_KEYS;
    try {
      if (io.detachKeys) keys = detachKeyBytes(io.detachKeys);
    } catch (err) {
      io.debug?.(`invalid detach escape keys, using default: ${(err as Error).message}`);
    }
    detector = new EscapeDetector(keys);
    input = input.pipe(detector);
  }
  const hasOutput = Boolean(io.output || io.error);

  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      restore();
      if (input) input.unpipe(socket);
      if (io.input) {
        io.input.unpipe();
        io.input.pause();
      }
      if (err) reject(err);
      else resolve({ detached: detector?.escaped ?? false });
    };

    if (hasOutput) {
      if (tty) {
        // One terminal stream: stdout, or stderr when only that was asked for.
        const out = (io.output ?? io.error)!;
        socket.on('data', (chunk: Buffer) => out.write(chunk));
        socket.on('end', () => (restore(), finish()));
      } else {
        const demux = new Demuxer({ stdout: io.output ?? discard(), stderr: io.error ?? discard() });
        socket.pipe(demux).on('error', finish).on('finish', () => finish()).resume();
      }
      socket.on('error', finish);
      // A connection destroyed on this side (a failed start) never ends: closing is the end too.
      socket.on('close', () => setImmediate(finish));
    } else {
      socket.resume();
    }

    if (input) {
      detector?.on('escape', () => {
        socket.destroy();
        finish();
      });
      input.on('end', () => {
        if (detector?.escaped) return;
        // CloseWrite: the daemon sees EOF on the container's stdin; output keeps flowing.
        socket.end();
        if (!hasOutput) finish();
      });
      input.pipe(socket, { end: false });
    } else {
      if (!hasOutput) finish();
    }
  });
}

// Docker's multiplexed stream framing (attach, exec and logs without a TTY): every chunk of
// output travels as an 8-byte header — [stream, 0, 0, 0, size as big-endian uint32] — and
// its payload. Stream 0 is stdin, 1 stdout, 2 stderr, 3 a daemon error ("systemerr").
// Shared by the daemon (writer) and the client (reader).
import { Transform, Writable, type TransformCallback } from 'node:stream';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEMERR = 3;
export type StreamId = 0 | 1 | 2 | 3;

const HEADER = 8;
/** Large writes are split so no frame exceeds this many payload bytes. */
const MAX_FRAME = 32 * 1024;

export function frame(stream: StreamId, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** A writable that frames everything written to it as `stream` onto `out`. */
export function framedWriter(out: Writable, stream: StreamId): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      let ok = true;
      for (let i = 0; i < chunk.length; i += MAX_FRAME) ok = out.write(frame(stream, chunk.subarray(i, i + MAX_FRAME)));
      if (ok) done();
      else out.once('drain', () => done());
    },
  });
}

/**
 * Output written in batches: a log of 200k lines must not become 200k socket writes. Pieces
 * are gathered (framed when `framed`) and written once 64 KiB are waiting or, for a follower
 * that should see a line at once, when nothing more arrived in the same turn of the event loop.
 */
export class OutputBatcher {
  readonly #out: Writable;
  readonly #framed: boolean;
  #parts: Buffer[] = [];
  #size = 0;
  #tick: NodeJS.Immediate | undefined;
  #draining: Promise<void> | undefined;

  constructor(out: Writable, framed: boolean) {
    this.#out = out;
    this.#framed = framed;
  }

  /** Returns a promise only when the connection asks to wait (backpressure). */
  add(stream: StreamId, data: Buffer): Promise<void> | undefined {
    for (let i = 0; i < data.length; i += MAX_FRAME) {
      const piece = data.subarray(i, i + MAX_FRAME);
      if (this.#framed) {
        const header = Buffer.alloc(HEADER);
        header[0] = stream;
        header.writeUInt32BE(piece.length, 4);
        this.#parts.push(header);
        this.#size += HEADER;
      }
      this.#parts.push(piece);
      this.#size += piece.length;
    }
    if (this.#size >= 64 * 1024) return this.flush();
    this.#tick ??= setImmediate(() => void this.flush());
    return this.#draining;
  }

  flush(): Promise<void> | undefined {
    if (this.#tick) clearImmediate(this.#tick);
    this.#tick = undefined;
    if (this.#size > 0) {
      const ok = this.#out.write(this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#size));
      this.#parts = [];
      this.#size = 0;
      if (!ok && !this.#draining) {
        this.#draining = new Promise<void>((resolve) => {
          const done = () => {
            this.#out.off('drain', done).off('close', done);
            this.#draining = undefined;
            resolve();
          };
          this.#out.on('drain', done).on('close', done);
        });
      }
    }
    return this.#draining;
  }
}

export class SystemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SystemError';
  }
}

export interface DemuxTargets {
  stdout: { write(b: Buffer): unknown };
  stderr: { write(b: Buffer): unknown };
}

/**
 * Reads a framed stream and hands each payload to stdout or stderr; a systemerr frame fails
 * the stream with the daemon's message.
 */
export class Demuxer extends Transform {
  readonly #targets: DemuxTargets;
  #pending: Buffer = Buffer.alloc(0);

  constructor(targets: DemuxTargets) {
    super();
    this.#targets = targets;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (this.#pending.length >= HEADER) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER + size) break;
      const stream = this.#pending[0];
      const payload = this.#pending.subarray(HEADER, HEADER + size);
      this.#pending = this.#pending.subarray(HEADER + size);
      if (stream === SYSTEMERR) return done(new SystemError(payload.toString('utf8')));
      if (stream === STDERR) this.#targets.stderr.write(payload);
      else if (stream === STDOUT || stream === STDIN) this.#targets.stdout.write(payload);
      else return done(new Error(`unrecognized stream: ${stream}`));
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    done(this.#pending.length ? new Error('unexpected EOF in the middle of a stream frame') : undefined);
  }
}

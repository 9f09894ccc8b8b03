// conmon's k8s-file log format, one record per line:
//   <RFC3339Nano with local offset> <stdout|stderr> <F|P> <bytes>\n
// conmon (ctr_logging.c, write_k8s_log) writes one record per newline-terminated chunk of what it
// read from the container; the last chunk of a read that has no newline is written as a P
// ("partial") record and conmon appends a '\n' of its own to end the record. So an F record's
// text is the line minus its '\n', and a P record's text is a fragment with no '\n' at all.
// Timestamps are conmon's local time with a numeric offset ("+00:00"), 9 fraction digits.
// Times are handled as bigint nanoseconds since the epoch: Date has only milliseconds, and
// `docker logs --since` takes nanoseconds.

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  timeNs: bigint;
  stream: LogStream;
  partial: boolean;
  /** The record's text without the record-ending '\n'. */
  text: Buffer;
}

/** One logical line, as readLogs yields it: P fragments joined, '\n' kept when the line had one. */
export interface LogEntry {
  stream: LogStream;
  /** RFC3339Nano in UTC with 9 fraction digits, e.g. 2024-05-01T10:00:00.123456789Z. */
  readonly time: string;
  timeNs: bigint;
  line: Buffer;
}

const TS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

// Every record of a log carries a timestamp, and a full `docker logs` parses hundreds of
// thousands: the second (everything before the fraction, zone included) is looked up in a
// one-entry cache, since consecutive records mostly share it.
let cachedPrefix = ''; // "YYYY-MM-DDTHH:MM:SS"
let cachedZone = '';
let cachedSecNs = 0n;

export function parseTimestamp(s: string): bigint | undefined {
  if (s.length > 20 && s.charCodeAt(19) === 0x2e /* . */) {
    let end = 20;
    let frac = 0;
    for (; end < s.length && end < 29; end++) {
      const d = s.charCodeAt(end) - 48;
      if (d < 0 || d > 9) break;
      frac = frac * 10 + d;
    }
    if (end === 20) return undefined;
    if (!s.startsWith(cachedPrefix) || cachedPrefix === '' || s.length - end !== cachedZone.length || !s.endsWith(cachedZone)) {
      const prefix = s.slice(0, 19);
      const zone = s.slice(end);
      const whole = parseSlow(prefix + zone);
      if (whole === undefined) return undefined;
      cachedPrefix = prefix;
      cachedZone = zone;
      cachedSecNs = whole;
    }
    for (let i = end; i < 29; i++) frac *= 10;
    return cachedSecNs + BigInt(frac);
  }
  return parseSlow(s);
}

function parseSlow(s: string): bigint | undefined {
  const m = TS.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac = '', zone] = m;
  let ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +sec!);
  if (zone !== 'Z') {
    const sign = zone![0] === '-' ? -1 : 1;
    ms -= sign * (+zone!.slice(1, 3) * 60 + +zone!.slice(4, 6)) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

export function formatTimestamp(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(sec) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** Accepts what callers hold: a Date, or nanoseconds since the epoch. */
export function toNs(t: Date | bigint): bigint {
  return typeof t === 'bigint' ? t : BigInt(t.getTime()) * 1_000_000n;
}

/** Parse one record (without its '\n'); undefined for anything that is not one. */
export function parseRecord(rec: Buffer): LogRecord | undefined {
  const sp1 = rec.indexOf(0x20);
  if (sp1 < 0) return undefined;
  const timeNs = parseTimestamp(rec.toString('latin1', 0, sp1));
  if (timeNs === undefined) return undefined;
  const sp2 = rec.indexOf(0x20, sp1 + 1);
  if (sp2 < 0) return undefined;
  const stream = rec.toString('latin1', sp1 + 1, sp2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = rec[sp2 + 1];
  if ((tag !== 0x46 && tag !== 0x50) || (rec.length > sp2 + 2 && rec[sp2 + 2] !== 0x20)) return undefined;
  return { timeNs, stream, partial: tag === 0x50, text: rec.subarray(Math.min(rec.length, sp2 + 3)) };
}

/** The timestamp of a record from its first bytes only (used when probing for --since). */
export function recordTime(head: Buffer): bigint | undefined {
  const sp = head.indexOf(0x20);
  return sp < 0 ? undefined : parseTimestamp(head.toString('latin1', 0, sp));
}

/** The stream and F/P flag of a record from its first bytes (used when scanning backwards). */
export function recordHead(head: Buffer): { stream: LogStream; partial: boolean } | undefined {
  const r = parseRecord(head.subarray(0, Math.min(head.length, 64)));
  return r && { stream: r.stream, partial: r.partial };
}

/** Joins P fragments into lines, per stream, the way a reader of the container's output saw them. */
export class LineJoiner {
  readonly #pending = new Map<LogStream, { timeNs: bigint; parts: Buffer[] }>();

  push(r: LogRecord): LogEntry | undefined {
    const p = this.#pending.get(r.stream);
    if (r.partial) {
      if (p) p.parts.push(r.text);
      else this.#pending.set(r.stream, { timeNs: r.timeNs, parts: [r.text] });
      return undefined;
    }
    this.#pending.delete(r.stream);
    const parts = p ? [...p.parts, r.text] : [r.text];
    return logEntry(r.stream, p?.timeNs ?? r.timeNs, Buffer.concat([...parts, NL]));
  }

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  /** Lines still waiting for their end (the container exited mid-line): emitted without '\n'. */
  flush(): LogEntry[] {
    const out = [...this.#pending].map(([s, p]) => logEntry(s, p.timeNs, Buffer.concat(p.parts)));
    this.#pending.clear();
    return out.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
  }
}

const NL = Buffer.from('\n');

/** A record as the bytes the container wrote, without waiting for the rest of its line: what a
 * TTY attach needs (a shell prompt has no newline). */
export function fragmentOf(r: LogRecord): LogEntry {
  return logEntry(r.stream, r.timeNs, r.partial ? r.text : Buffer.concat([r.text, NL]));
}

/** A LogEntry whose text timestamp is made only when asked for (`logs -t`): formatting one per
 * line would cost more than reading the log. */
class Entry implements LogEntry {
  readonly stream: LogStream;
  readonly timeNs: bigint;
  readonly line: Buffer;
  constructor(stream: LogStream, timeNs: bigint, line: Buffer) {
    this.stream = stream;
    this.timeNs = timeNs;
    this.line = line;
  }
  get time(): string {
    return formatTimestamp(this.timeNs);
  }
}

export function logEntry(stream: LogStream, timeNs: bigint, line: Buffer): LogEntry {
  return new Entry(stream, timeNs, line);
}

/** Render a record the way conmon writes it (tests and tools that fake a container log). */
export function formatRecord(timeNs: bigint, stream: LogStream, text: string | Buffer, partial = false): Buffer {
  return Buffer.concat([Buffer.from(`${formatTimestamp(timeNs)} ${stream} ${partial ? 'P' : 'F'} `), Buffer.from(text), NL]);
}

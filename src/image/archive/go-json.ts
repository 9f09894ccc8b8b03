// The parts of Go's encoding/json (as dockerd 20.10 was built with it, Go 1.19) that decide the
// bytes of an image config converted from the legacy layout, whose sha256 is the image id: so
// a legacy archive gets the same ids here as on dockerd. Covered: string quoting with HTML
// escaping, compaction of raw values (json.RawMessage re-marshalled), an object's top-level
// members as raw bytes, map keys in Go's byte order, RFC 3339 times as time.Time round-trips
// them, and docker's version comparison. Inputs have already passed JSON.parse.
import { invalidParameter } from '../../api/types/errors.ts';

const HEX = '0123456789abcdef';
const hex2 = (c: number) => `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;

/** A string as Go's json.Marshal writes it (<, >, & and U+2028/9 escaped; lone surrogates,
 * which Go's decoder had already turned into U+FFFD, written as U+FFFD). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22 || c === 0x5c) out += `\\${ch}`;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += hex2(c);
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** Go's compact with HTML escaping: whitespace between tokens dropped, every other byte kept
 * as it was (escapes inside strings are not rewritten), <, >, & and U+2028/9 escaped. */
export function compact(src: Buffer): Buffer {
  const out: Buffer[] = [];
  let start = 0;
  let inString = false;
  let escaped = false;
  const cut = (i: number, next: number, insert?: string) => {
    if (start < i) out.push(src.subarray(start, i));
    if (insert) out.push(Buffer.from(insert));
    start = next;
  };
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x3c || b === 0x3e || b === 0x26) cut(i, i + 1, hex2(b));
    else if (b === 0xe2 && src[i + 1] === 0x80 && (src[i + 2]! & ~1) === 0xa8) cut(i, i + 3, `\\u202${HEX[src[i + 2]! & 15]}`);
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (isSpace(b)) {
      cut(i, i + 1);
    }
  }
  cut(src.length, src.length);
  return Buffer.concat(out);
}

/** The members of a JSON object as raw value bytes, a later duplicate key replacing an earlier
 * one (a Go map); undefined when the document is not an object. */
export function objectMembers(src: Buffer): Map<string, Buffer> | undefined {
  let i = skipSpace(src, 0);
  if (src[i] !== 0x7b) return undefined;
  const members = new Map<string, Buffer>();
  i = skipSpace(src, i + 1);
  while (src[i] !== 0x7d) {
    const keyEnd = valueEnd(src, i);
    const key = JSON.parse(src.subarray(i, keyEnd).toString('utf8')) as string;
    const start = skipSpace(src, skipSpace(src, keyEnd) + 1); // past the ':'
    const end = valueEnd(src, start);
    members.set(key, src.subarray(start, end));
    i = skipSpace(src, end);
    if (src[i] === 0x2c) i = skipSpace(src, i + 1);
  }
  return members;
}

function skipSpace(src: Buffer, i: number): number {
  while (i < src.length && isSpace(src[i]!)) i++;
  return i;
}

/** Where the value starting at i ends (exclusive). */
function valueEnd(src: Buffer, i: number): number {
  let depth = 0;
  let inString = false;
  for (let j = i; j < src.length; j++) {
    const b = src[j]!;
    if (inString) {
      if (b === 0x5c) j++;
      else if (b === 0x22) {
        inString = false;
        if (depth === 0) return j + 1;
      }
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      if (depth === 0) return j; // the end of a literal right before a closing bracket
      if (--depth === 0) return j + 1;
    } else if (depth === 0 && (b === 0x2c || isSpace(b))) return j;
  }
  return src.length;
}

/** Keys in the order Go's json.Marshal writes a map's: by their UTF-8 bytes. */
export function goSorted(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** A JSON object from already-encoded member values, keys in Go's order. */
export function goObject(members: Map<string, Buffer | string>): Buffer {
  const parts: Buffer[] = [Buffer.from('{')];
  goSorted(members.keys()).forEach((k, n) => {
    parts.push(Buffer.from(`${n ? ',' : ''}${goQuote(k)}:`), Buffer.from(members.get(k)!));
  });
  parts.push(Buffer.from('}'));
  return Buffer.concat(parts);
}

export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** A time as time.Time's UnmarshalJSON reads it and MarshalJSON writes it back: RFC 3339 with
 * the fraction cut to nanoseconds and its zeros trimmed, the zone kept as an offset ("Z" for 0). */
export function goTime(raw: string, what: string): string {
  const m = RFC3339.exec(raw);
  const bad = (why: string) => invalidParameter(`invalid archive: ${what} ${JSON.stringify(raw)} is not an RFC 3339 time (${why})`);
  if (!m) throw bad('expected YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) throw bad('month out of range');
  if (day < 1 || day > daysIn(year, month)) throw bad('day out of range');
  if (hour > 23) throw bad('hour out of range');
  if (minute > 59) throw bad('minute out of range');
  if (second > 59) throw bad('second out of range');
  const frac = (m[7] ?? '').slice(0, 9).replace(/0+$/, '');
  let zone = 'Z';
  if (!m[8]) {
    const minutes = Number(m[10]) * 60 + Number(m[11]);
    if (minutes !== 0) zone = `${m[9]}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  }
  return `${m[1]}-${m[2]}-${m[3]}T${pad(hour)}:${m[5]}:${m[6]}${frac ? `.${frac}` : ''}${zone}`;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** docker's versions.LessThan: dot-separated parts compared as integers, a part that is not
 * one counting as 0 ("" < "1.8.3", "1.10.0-rc1" > "1.8.3"). */
export function versionLess(a: string, b: string): boolean {
  if (a === b) return false;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = atoi(pa[i]);
    const y = atoi(pb[i]);
    if (x !== y) return x < y;
  }
  return false;
}

function atoi(s: string | undefined): number {
  return s !== undefined && /^[+-]?\d{1,15}$/.test(s) ? Number(s) : 0;
}

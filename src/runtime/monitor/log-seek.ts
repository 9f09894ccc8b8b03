// Finding where `--tail N` and `--since T` start in a k8s-file log without reading the whole
// file: a chatty container's log is hundreds of MB, and `docker logs --tail 10` must not read it
// all. Tail reads blocks backwards from the end; since bisects on byte offsets, probing the
// timestamp of the first record after each midpoint (records are in time order: conmon writes
// them from one thread as it reads them).
import { recordHead, recordTime, type LogStream } from './k8s-log.ts';

const BACK_BLOCK = 4096;
const PROBE = 512;
const LINEAR = 4096;
const EXTEND = 16 * 1024;

/** Positional reads over a log (log-chain.ts: its files as one sequence); a short read means EOF. */
export interface ByteSource {
  read(pos: number, len: number): Promise<Buffer>;
}

/** Records newest to oldest: start offset, stream and F/P flag (malformed records skipped). */
async function* backwards(r: ByteSource, size: number): AsyncGenerator<{ start: number; stream: LogStream; partial: boolean }> {
  let pos = size;
  let buf: Buffer<ArrayBufferLike> = Buffer.alloc(0); // file bytes [pos, pos + buf.length)
  // Index in buf of the '\n' ending the newest unprocessed record; bytes after the file's last
  // '\n' are a record conmon is still writing and are left for the forward reader.
  let end = -1;
  for (;;) {
    let nl = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1;
    while (nl < 0 && pos > 0) {
      const start = Math.max(0, pos - BACK_BLOCK);
      const more = await r.read(start, pos - start);
      buf = Buffer.concat([more, buf]);
      pos = start;
      if (end < 0) end = buf.lastIndexOf(0x0a);
      else end += more.length;
      nl = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1;
    }
    if (end < 0) return;
    const head = recordHead(buf.subarray(nl + 1, end));
    if (head) yield { start: pos + nl + 1, ...head };
    if (nl < 0) return;
    end = nl;
    buf = buf.subarray(0, end + 1); // what is processed is not needed again
  }
}

/**
 * Where the last `n` lines start, and how many lines the forward reader will rebuild from there
 * (>= n: it skips the surplus). Counting newest to oldest: a line per F record, plus one per
 * stream whose newest record is P (a line still being written). Lines are whole only if no P
 * fragment of them is older than the window, so after the count the scan goes on, a little
 * (EXTEND bytes), until each stream in the window shows an older F, taking along the P records
 * of those streams it meets. Only a P written more than EXTEND bytes before its line's end can
 * still be cut off.
 */
export async function findTail(r: ByteSource, size: number, n: number): Promise<{ offset: number; lines: number }> {
  const it = backwards(r, size);
  const seen = new Set<LogStream>();
  let lines = 0;
  let offset = 0;
  let stop: { start: number; stream: LogStream } | undefined;
  for (let x = await it.next(); !x.done; x = await it.next()) {
    const rec = x.value;
    if (!rec.partial && lines >= n) {
      stop = rec;
      break;
    }
    if (!rec.partial || !seen.has(rec.stream)) lines++;
    seen.add(rec.stream);
    offset = rec.start;
  }
  if (!stop) return { offset: 0, lines };
  const open = new Set(seen);
  open.delete(stop.stream);
  const counted: number[] = [stop.start]; // starts of older records the reader would turn into lines
  for (let x = open.size ? await it.next() : undefined; x && !x.done; x = await it.next()) {
    const rec = x.value;
    if (rec.start < stop.start - EXTEND) break;
    if (!rec.partial || !seen.has(rec.stream)) counted.push(rec.start);
    seen.add(rec.stream);
    if (!open.has(rec.stream)) continue;
    if (rec.partial) offset = rec.start;
    else open.delete(rec.stream);
    if (open.size === 0) break;
  }
  await it.return(undefined);
  return { offset, lines: lines + counted.filter((s) => s >= offset).length };
}

/** The first record start at or after `at`, and that record's timestamp (undefined at EOF). */
async function probe(r: ByteSource, size: number, at: number): Promise<{ start: number; ts: bigint | undefined }> {
  let start = at;
  if (at > 0) {
    let pos = at - 1; // a record starts at `at` if the byte before it is '\n'
    for (;;) {
      const b = await r.read(pos, PROBE);
      if (b.length === 0) return { start: size, ts: undefined };
      const i = b.indexOf(0x0a);
      if (i >= 0) {
        start = pos + i + 1;
        break;
      }
      pos += b.length;
    }
  }
  if (start >= size) return { start: size, ts: undefined };
  return { start, ts: recordTime(await r.read(start, 64)) };
}

/** Offset of the first record at or after `from` with time >= sinceNs (size if none). */
export async function findSince(r: ByteSource, size: number, sinceNs: bigint, from = 0): Promise<number> {
  let lo = from;
  let hi = size;
  let best = size; // smallest record start known to be >= since
  // Invariant: the answer is a record start in [lo, hi), or `best`.
  while (hi - lo > LINEAR) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const { start, ts } = await probe(r, size, mid);
    if (ts !== undefined && ts < sinceNs) {
      lo = start + 1;
    } else {
      if (start < best) best = start;
      hi = mid;
    }
  }
  // Linear scan of the last window, record by record.
  let { start } = await probe(r, size, lo);
  let buf: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  let bufPos = start;
  while (start < best) {
    let nl = buf.indexOf(0x0a, start - bufPos);
    if (nl < 0) {
      const more = await r.read(bufPos + buf.length, LINEAR);
      if (more.length === 0) return best;
      buf = Buffer.concat([buf.subarray(start - bufPos), more]);
      bufPos = start;
      continue;
    }
    const ts = recordTime(buf.subarray(start - bufPos, nl));
    if (ts !== undefined && ts >= sinceNs) return start;
    start = bufPos + nl + 1;
  }
  return best;
}

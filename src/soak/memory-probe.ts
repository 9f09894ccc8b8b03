// Loaded into the soak's berthd only (NODE_OPTIONS=--import, soak-daemon.ts), never part of
// berthd itself: on SIGUSR2 it writes one line to stderr with what /proc cannot tell from outside
// — where berthd's memory is. RSS grew in the 30-minute soak while V8's heap after collections
// stayed flat, so the candidates are V8's committed-but-free heap, external memory (Buffers,
// ArrayBuffers), glibc malloc (its arenas: memory freed but kept, or really in use), or other
// native objects. The line says which: process.memoryUsage(), glibc's mallinfo2 (summed over
// every arena), the number of malloc arenas and their sizes (malloc_info), the threads, and
// berthd's resident memory split by mapping kind (/proc/self/smaps).
// With each line, V8's heap after the minute's lowest full collection by space (compiled code
// and bytecode apart from berthd's objects) and, on SIGPWR, a heap snapshot (memory-probe-heap.ts).
// With BERTH_SOAK_TRIM=1 it also calls malloc_trim(0) after measuring and says what RSS fell to:
// memory malloc held free (fragmentation) rather than memory in use.
import { createRequire } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { heapAfterFullGc, snapshotsOnSignal } from './memory-probe-heap.ts';

export const PROBE_MARK = 'berth-soak-memory ';

interface Libc {
  mallinfo2: () => Record<string, number>;
  mallocInfo: () => string;
  trim: () => number;
}

function loadLibc(): Libc | undefined {
  try {
    const koffi = createRequire(import.meta.url)('koffi');
    const lib = koffi.load('libc.so.6');
    const fields = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'];
    // Registered by name for the declaration below: mallinfo2 returns the struct by value.
    koffi.struct('berth_mallinfo2', Object.fromEntries(fields.map((f) => [f, 'size_t'])));
    const mallinfo2 = lib.func('berth_mallinfo2 mallinfo2(void)');
    const fopen = lib.func('void *fopen(const char *path, const char *mode)');
    const fclose = lib.func('int fclose(void *fp)');
    const mallocInfo = lib.func('int malloc_info(int options, void *fp)');
    const trim = lib.func('int malloc_trim(size_t pad)');
    const file = join(tmpdir(), `berth-soak-malloc-info-${process.pid}.xml`);
    return {
      mallinfo2: () => mallinfo2() as Record<string, number>,
      mallocInfo: () => {
        const fp = fopen(file, 'w');
        mallocInfo(0, fp);
        fclose(fp);
        const xml = readFileSync(file, 'utf8');
        rmSync(file, { force: true });
        return xml;
      },
      trim: () => trim(0) as number,
    };
  } catch (err) {
    process.stderr.write(`${PROBE_MARK}{"error":${JSON.stringify(String(err))}}\n`);
    return undefined;
  }
}

/** Resident kB by mapping kind: brk heap (malloc's main arena), other anonymous memory
 * (V8's heap, thread arenas, stacks, Buffers), files (code, libraries), the rest. */
function smapsSplit(): Record<string, number> {
  const out: Record<string, number> = { brk: 0, anon: 0, anonArena64: 0, file: 0, other: 0 };
  let kind = 'other';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const path = head[3]!;
      // glibc's thread arenas are mmapped 64 MiB regions aligned on 64 MiB (HEAP_MAX_SIZE).
      const aligned = BigInt(`0x${head[1]}`) % (64n << 20n) === 0n;
      kind = path === '[heap]' ? 'brk' : path === '' ? (aligned ? 'anonArena64' : 'anon') : path.startsWith('/') ? 'file' : 'other';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind]! += Number(rss[1]);
  }
  return out;
}

function arenas(xml: string): { count: number; systemKb: number[] } {
  const heaps = [...xml.matchAll(/<heap nr="\d+">[\s\S]*?<system type="current" size="(\d+)"\/>/g)];
  return { count: heaps.length, systemKb: heaps.map((m) => Math.round(Number(m[1]) / 1024)) };
}

const libc = loadLibc();
snapshotsOnSignal();
const rssKb = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

process.on('SIGUSR2', () => {
  const kb = (n: number) => Math.round(n / 1024);
  const m = process.memoryUsage();
  const line: Record<string, unknown> = {
    rssKb: kb(m.rss), heapTotalKb: kb(m.heapTotal), heapUsedKb: kb(m.heapUsed), externalKb: kb(m.external), arrayBuffersKb: kb(m.arrayBuffers),
    // V8's committed heap by space: new_space is the young generation, which V8 grows (up to
    // --max-semi-space-size) under a high allocation rate and gives back only when idle.
    spacesKb: Object.fromEntries(getHeapSpaceStatistics().map((sp) => [sp.space_name.replace(/_space$/, ''), kb(sp.space_size)])),
    threads: Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]),
    smapsKb: smapsSplit(),
    // The window's lowest full collection by space (code apart from berthd's objects).
    afterFullGc: heapAfterFullGc(),
  };
  if (libc) {
    const mi = libc.mallinfo2();
    line.malloc = { arenaKb: kb(mi.arena!), mmapKb: kb(mi.hblkhd!), inUseKb: kb(mi.uordblks!), freeKb: kb(mi.fordblks!), topFreeKb: kb(mi.keepcost!) };
    line.arenas = arenas(libc.mallocInfo());
    if (process.env.BERTH_SOAK_TRIM === '1') {
      libc.trim();
      line.rssAfterTrimKb = rssKb();
    }
  }
  process.stderr.write(`${PROBE_MARK}${JSON.stringify(line)}\n`);
});

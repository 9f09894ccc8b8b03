// Parsers for the text formats cgroup files share, both versions: one number, "key value"
// lines, and space-separated lists. Tolerant as the kernel's readers are: unknown lines are
// skipped rather than failing a whole sample.
import { readFileSync } from 'node:fs';
import type { FileReader } from './types.ts';

/** A file's text, or undefined when it is missing or unreadable. Cgroup files are tiny
 * in-memory files: reading them synchronously costs microseconds. */
export const readCgroupFile: FileReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * One unsigned number. `max` (no limit) becomes `maxValue`; negative numbers (some v1 files)
 * read as 0, as containerd's parser does; anything unparsable is undefined.
 */
export function parseUint(text: string | undefined, maxValue: bigint): bigint | undefined {
  const s = text?.trim();
  if (s === undefined || s === '') return undefined;
  if (s === 'max') return maxValue;
  if (/^-\d+$/.test(s)) return 0n;
  return /^\d+$/.test(s) ? BigInt(s) : undefined;
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat, memory.events) into a map. */
export function parseKeyValues(text: string | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of (text ?? '').split('\n')) {
    const [key, value, extra] = line.trim().split(/\s+/);
    if (!key || value === undefined || extra !== undefined) continue;
    const n = parseUint(value, 0n);
    if (n !== undefined) out.set(key, n);
  }
  return out;
}

/** Space-separated numbers (cpuacct.usage_percpu). */
export function parseUintList(text: string | undefined): bigint[] {
  return (text ?? '').trim().split(/\s+/).filter((s) => /^\d+$/.test(s)).map(BigInt);
}

/** Docker's fixed key set for memory_stats.stats, 0 for keys the kernel did not report. */
export function pickKeys(values: Map<string, bigint>, keys: readonly string[]): Record<string, bigint> {
  return Object.fromEntries(keys.map((k) => [k, values.get(k) ?? 0n]));
}

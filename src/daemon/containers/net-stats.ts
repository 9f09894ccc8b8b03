// Per-interface counters of a container's network namespace, from /proc/<pid>/net/dev. dockerd
// reports the interfaces of the container's network endpoints: the loopback is not one, so a
// container without networking (or with only lo) has no `networks` at all.
import { readFileSync } from 'node:fs';
import type { NetworkCounters } from './stats-view.ts';

export function parseNetDev(text: string): Record<string, NetworkCounters> {
  const out: Record<string, NetworkCounters> = {};
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map((v) => (/^\d+$/.test(v) ? BigInt(v) : 0n));
    if (name === 'lo' || f.length < 12) continue;
    out[name] = {
      rx_bytes: f[0]!, rx_packets: f[1]!, rx_errors: f[2]!, rx_dropped: f[3]!,
      tx_bytes: f[8]!, tx_packets: f[9]!, tx_errors: f[10]!, tx_dropped: f[11]!,
    };
  }
  return out;
}

/** undefined when the process is gone. */
export function readNetDev(pid: number): Record<string, NetworkCounters> | undefined {
  try {
    return parseNetDev(readFileSync(`/proc/${pid}/net/dev`, 'utf8'));
  } catch {
    return undefined;
  }
}

// CpusetCpus and CpusetMems as dockerd's sysinfo reads them ("0-3,8"): every number must be one
// the host offers, and no number may pass 8192 (or the host's largest), which keeps a request
// such as "0-9223372036854775807" from making a huge set (CVE-2018-20699).
const DEFAULT_MAX_CPUS = 8192;

/** dockerd's error for a cpuset list that does not fit the host, or undefined if it fits. */
export function cpusetError(kind: 'cpus' | 'mems', requested: string, available: string): string | undefined {
  if (requested === '') return undefined;
  const offered = parseUintList(available, 0);
  const have = offered instanceof Set ? offered : new Set<number>();
  let maximum = DEFAULT_MAX_CPUS;
  for (const c of have) if (c > maximum) maximum = c;
  const parsed = parseUintList(requested, maximum);
  if (!(parsed instanceof Set)) return `Invalid value ${requested} for cpuset ${kind}: ${parsed}`;
  if ([...parsed].every((c) => have.has(c))) return undefined;
  return kind === 'cpus'
    ? `Requested CPUs are not available - requested ${requested}, available: ${available}`
    : `Requested memory nodes are not available - requested ${requested}, available: ${available}`;
}

/** The numbers of "7", "1-6", "0,3-4,7": a set, or the error text. `maximum` 0: no limit. */
export function parseUintList(val: string, maximum: number): Set<number> | string {
  const out = new Set<number>();
  if (val === '') return out;
  const invalid = `invalid format: ${val}`;
  for (const part of val.split(',')) {
    const dash = part.indexOf('-');
    const [lo, hi] = dash < 0 ? [uint(part), uint(part)] : [uint(part.slice(0, dash)), uint(part.slice(dash + 1))];
    if (lo === undefined || hi === undefined || hi < lo) return invalid;
    if (maximum !== 0 && hi > maximum) return `value of out range, maximum is ${maximum}`;
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return out;
}

/** Digits that fit an int64 (Go's Atoi; it also takes "+1", which the kernel's cpuset file
 * then refuses, so berthd does not). */
function uint(s: string): number | undefined {
  return /^\d+$/.test(s) && BigInt(s) < 2n ** 63n ? Number(s) : undefined;
}

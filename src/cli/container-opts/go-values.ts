// Flag values read as the docker CLI's Go flag types read them (pflag ints and bools, Go
// durations, go-units sizes and ulimits, big.Rat CPU counts), with the same error texts, since
// they end up in docker's `invalid argument "v" for "--flag" flag: <reason>` message.

const quote = (s: string) => JSON.stringify(s);

/** strconv.ParseBool */
export function parseGoBool(raw: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new Error(`strconv.ParseBool: parsing ${quote(raw)}: invalid syntax`);
}

/** strconv.ParseInt(s, 0, bits) as pflag's int flags use it (0x, 0o, 0b and 0 prefixes). */
export function parseGoInt(raw: string, bits = 64, fn = 'ParseInt'): number {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(raw);
  if (!m || /__|_$/.test(raw) || (fn === 'ParseUint' && m[1] !== '')) throw new Error(`strconv.${fn}: parsing ${quote(raw)}: invalid syntax`);
  const body = m[2]!.replace(/_/g, '');
  const digits = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body.replace(/^0([XOB])/, (_, p: string) => `0${p.toLowerCase()}`);
  let value = BigInt(digits);
  if (m[1] === '-') value = -value;
  const limit = fn === 'ParseUint' ? 1n << BigInt(bits) : 1n << BigInt(bits - 1);
  const min = fn === 'ParseUint' ? 0n : -limit;
  if (value >= limit || value < min) throw new Error(`strconv.${fn}: parsing ${quote(raw)}: value out of range`);
  return Number(value);
}

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** time.ParseDuration, in nanoseconds. */
export function parseGoDurationNs(raw: string): number {
  const invalid = () => new Error(`time: invalid duration ${quote(raw)}`);
  let s = raw;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [whole = '', frac] = [m[1], m[2]];
    if (whole === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(m[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${quote(raw)}`);
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${quote(unit)} in duration ${quote(raw)}`);
    s = s.slice(unit.length);
    total += BigInt(whole || '0') * scale;
    if (frac) total += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
  }
  if (total > (1n << 63n) - 1n) throw invalid();
  return Number(negative ? -total : total);
}

/** units.RAMInBytes: "512m", "1.5g", "1024", "2 GiB" (binary multiples); the daemon's parser. */
export { ramInBytes } from '../../lib/go-units.ts';

/** opts.ParseCPUs: a rational number of CPUs ("1.5", "3/2") as nano-CPUs. */
export function parseCpus(raw: string): number {
  const fail = () => new Error(`failed to parse ${raw} as a rational number`);
  let num: bigint;
  let den: bigint;
  const frac = /^([+-]?\d+)\/(\d+)$/.exec(raw);
  const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (frac) {
    [num, den] = [BigInt(frac[1]!), BigInt(frac[2]!)];
    if (den === 0n) throw fail();
  } else if (dec && (dec[2] || dec[3])) {
    const digits = (dec[2] ?? '') + (dec[3] ?? '');
    const exp = Number(dec[4] ?? 0) - (dec[3]?.length ?? 0);
    num = BigInt(dec[1] + (digits || '0')) * (exp > 0 ? 10n ** BigInt(exp) : 1n);
    den = exp < 0 ? 10n ** BigInt(-exp) : 1n;
  } else {
    throw fail();
  }
  const scaled = num * 1_000_000_000n;
  if (scaled % den !== 0n) throw new Error('value is too precise');
  return Number(scaled / den);
}

export interface Ulimit { Name: string; Hard: number; Soft: number }

const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

/** units.ParseUlimit: "nofile=1024[:2048]". */
export function parseUlimit(raw: string): Ulimit {
  const eq = raw.indexOf('=');
  if (eq === -1) throw new Error(`invalid ulimit argument: ${raw}`);
  const [name, values] = [raw.slice(0, eq), raw.slice(eq + 1)];
  if (!ULIMIT_NAMES.includes(name)) throw new Error(`invalid ulimit type: ${name}`);
  const parts = values.split(':');
  if (parts.length > 2) throw new Error(`too many limit value arguments - ${values}, can only have up to two, \`soft[:hard]\``);
  const num = (s: string) => {
    if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${quote(s)}: invalid syntax`);
    return Number(s);
  };
  const hard = parts.length === 2 ? num(parts[1]!) : undefined;
  const soft = num(parts[0]!);
  const h = hard ?? soft;
  if (h !== -1) {
    if (soft === -1) throw new Error(`ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: ${h}`);
    if (soft > h) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${h}`);
  }
  return { Name: name, Hard: h, Soft: soft };
}

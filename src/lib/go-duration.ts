// Go duration strings ("10m", "1h30m", "500ms", "0"), used by --since/--until style arguments
// on both sides of the API.

// Microseconds as Go spells them: us, µs (U+00B5 micro sign) and μs (U+03BC Greek mu). Written as
// escapes: berthd's release bundle must stay ASCII (its launcher reads it as Latin-1, bin/berthd).
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, '\u00b5s': 1e-3, '\u03bcs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when the text is not a Go duration. */
export function parseGoDuration(raw: string): number | undefined {
  if (raw === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = re.lastIndex;
  }
  return consumed === raw.length && consumed > 0 ? total : undefined;
}

/** Go's Duration.String() for nanoseconds: "300ms", "1.5s", "1m30s", "1h0m0s", "0s". */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 0) return `-${formatGoDuration(-ns)}`;
  const decimal = (value: number, unit: number): string => {
    const whole = Math.floor(value / unit);
    const frac = String(value % unit).padStart(String(unit).length - 1, '0').replace(/0+$/, '');
    return frac ? `${whole}.${frac}` : String(whole);
  };
  if (ns < 1_000) return `${ns}ns`;
  if (ns < 1_000_000) return `${decimal(ns, 1_000)}\u00b5s`;
  if (ns < 1_000_000_000) return `${decimal(ns, 1_000_000)}ms`;
  const h = Math.floor(ns / 3_600_000_000_000);
  const m = Math.floor((ns % 3_600_000_000_000) / 60_000_000_000);
  const s = `${decimal(ns % 60_000_000_000, 1_000_000_000)}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  return m > 0 ? `${m}m${s}` : s;
}

// The few Go fmt verbs whose output the classic builder writes into image history: `%q` of a
// string slice (CMD ["sh" "-c" "x"]), `%v` of one (SHELL [/bin/sh -c]), `%q` of a HealthConfig
// (a struct: Durations as quoted strings, Retries as a quoted rune — dockerd's own oddity, kept
// because `docker history` shows it and cache-from matching compares these texts).

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

function escapeChar(ch: string, quote: string): string {
  if (ch === quote || ch === '\\') return `\\${ch}`;
  const e = ESCAPES[ch];
  if (e !== undefined) return e;
  const code = ch.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return ch;
}

/** strconv.Quote for the printable texts a Dockerfile holds. */
export function goQuote(s: string): string {
  return `"${[...s].map((c) => escapeChar(c, '"')).join('')}"`;
}

/** `%q` of []string: ["a" "b"]. */
export const goQuoteList = (list: readonly string[]): string => `[${list.map(goQuote).join(' ')}]`;

/** `%v` of []string: [a b]. */
export const goList = (list: readonly string[]): string => `[${list.join(' ')}]`;

/** `%q` of an int: strconv.QuoteRune. */
export function goQuoteRune(n: number): string {
  return `'${escapeChar(String.fromCodePoint(n), "'")}'`;
}

/** A fixed-point number without trailing zeros: 1500 / 1000 → "1.5". */
function frac(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value % unit;
  if (rest === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** time.Duration.String() of nanoseconds: "0s", "500ms", "1.5s", "5m0s", "1h0m0s". */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let u = Math.abs(ns);
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${frac(u, 1e3)}µs`;
  if (u < 1e9) return `${sign}${frac(u, 1e6)}ms`;
  const h = Math.floor(u / 3.6e12);
  u -= h * 3.6e12;
  const m = Math.floor(u / 6e10);
  u -= m * 6e10;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${frac(u, 1e9)}s`;
}

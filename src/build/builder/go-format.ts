// The few Go fmt verbs whose output the classic builder writes into image history: `%q` of a
// string slice (CMD ["sh" "-c" "x"]), `%v` of one (SHELL [/bin/sh -c]), `%q` of a HealthConfig
// (a struct: Durations as quoted strings, Retries as a quoted rune — dockerd's own oddity, kept
// because `docker history` shows it and cache-from matching compares these texts). Durations
// are lib/go-duration.ts's; cli/format/strconv.ts has a quote too, but the daemon side does not
// import the CLI's code.

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

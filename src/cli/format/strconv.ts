// Go's strconv pieces that fmt and go-units lean on: FormatFloat (with its
// %g exponent switch) and Quote. Kept apart from printf.ts, which only
// parses format strings and dispatches on verbs.

/**
 * strconv.FormatFloat for x >= 0: verb f/e/g (or v = shortest g), prec -1 =
 * default (6 for e/f, shortest for g). %g switches to exponent form when
 * exp < -4 || exp >= precision, which is why Go prints 1e+06 and 1e+03.
 */
export function formatFloat(x: number, verb: string, prec = -1): string {
  const lower = verb.toLowerCase();
  const upper = verb !== lower;
  let out: string;
  if (lower === 'f') {
    const p = Math.min(prec < 0 ? 6 : prec, 100);
    out = x < 1e21 ? x.toFixed(p) : BigInt(x).toString() + (p > 0 ? '.' + '0'.repeat(p) : '');
  } else if (lower === 'e') {
    const p = Math.min(prec < 0 ? 6 : prec, 100);
    const [m, e] = x.toExponential(p).split('e');
    out = fmtE(m!.replace('.', ''), Number(e), p);
  } else {
    out = fmtG(x, prec);
  }
  return upper ? out.toUpperCase() : out;
}

function fmtG(x: number, prec: number): string {
  const shortest = prec < 0;
  if (prec === 0) prec = 1;
  const [m, e] = (shortest ? x.toExponential() : x.toExponential(Math.min(prec, 101) - 1)).split('e');
  const digits = m!.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(e);
  const nd = digits.length;
  const dp = exp + 1; // position of the decimal point within digits
  if (shortest) prec = nd;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  if (shortest) eprec = 6;
  if (exp < -4 || exp >= eprec) return fmtE(digits, exp, Math.min(prec, nd) - 1);
  return fmtF(digits, dp, Math.max((prec > dp ? nd : prec) - dp, 0));
}

function fmtE(digits: string, exp: number, frac: number): string {
  const mant = digits[0]! + (frac > 0 ? '.' + digits.slice(1).padEnd(frac, '0').slice(0, frac) : '');
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function fmtF(digits: string, dp: number, frac: number): string {
  const at = (k: number): string => digits[k] ?? '0';
  let out = '';
  for (let k = 0; k < dp; k++) out += at(k);
  out ||= '0';
  if (frac > 0) out += '.';
  for (let k = 0; k < frac; k++) out += dp + k < 0 ? '0' : at(dp + k);
  return out;
}

const NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\',
};

/** strconv.Quote (or QuoteRune with q = "'"). */
export function quote(str: string, q = '"'): string {
  let out = '';
  for (const ch of str) {
    const c = ch.codePointAt(0)!;
    if (ch === q) out += '\\' + ch;
    else if (NAMED_ESCAPES[ch]) out += NAMED_ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) {
      out += c > 0xffff ? '\\U' + c.toString(16).padStart(8, '0') : '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return q + out + q;
}

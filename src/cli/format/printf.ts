// Go's fmt package, the parts templates reach: Sprintf/Sprint/Sprintln and
// %v printing. Go semantics matter here because users paste docker format
// strings: `%!d(string=x)` for bad verbs, `map[a:1 b:2]`, `[a b]`, `1e+06`.

import { formatFloat, quote } from './strconv.ts';
import { goTypeName, isMapLike, sortedEntries } from './values.ts';

interface Spec {
  verb: string;
  minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean;
  width?: number | undefined;
  prec?: number | undefined;
}

const PLAIN_V: Spec = { verb: 'v', minus: false, plus: false, sharp: false, space: false, zero: false };

/** fmt.Sprint(v): how Go prints a single value with %v. */
export const formatValue = (v: unknown): string => fmtArg(v, PLAIN_V, 0);

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  return args.map((a, i) =>
    (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + formatValue(a)).join('');
}

/** fmt.Sprintln: always spaces, plus a trailing newline. */
export const sprintln = (args: readonly unknown[]): string => args.map(formatValue).join(' ') + '\n';

export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  const star = (): number | undefined => {
    const a = args[argi++];
    return Number.isInteger(a) ? (a as number) : undefined;
  };
  const digits = (at: number): [number | undefined, number] => {
    const m = /^\d+/.exec(format.slice(at));
    return m ? [Number(m[0]), at + m[0].length] : [undefined, at];
  };
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) { out += format.slice(i); break; }
    out += format.slice(i, pct);
    i = pct + 1;
    const s: Spec = { ...PLAIN_V, verb: '' };
    for (let c = format[i]; c !== undefined && '+-# 0'.includes(c); c = format[++i]) {
      if (c === '+') s.plus = true; else if (c === '-') s.minus = true;
      else if (c === '#') s.sharp = true; else if (c === ' ') s.space = true; else s.zero = true;
    }
    if (format[i] === '*') { i++; s.width = star(); }
    else [s.width, i] = digits(i);
    if (s.width !== undefined && s.width < 0) { s.minus = true; s.width = -s.width; }
    if (format[i] === '.') {
      if (format[++i] === '*') { i++; s.prec = star(); }
      else { [s.prec, i] = digits(i); s.prec ??= 0; }
    }
    const verb = format.codePointAt(i);
    if (verb === undefined) { out += '%!(NOVERB)'; break; }
    s.verb = String.fromCodePoint(verb);
    i += s.verb.length;
    if (s.verb === '%') out += '%';
    else if (argi >= args.length) out += `%!${s.verb}(MISSING)`;
    else out += fmtArg(args[argi++], s, 0);
  }
  if (argi < args.length) {
    const extra = args.slice(argi).map((a) => (a == null ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

function fmtArg(v: unknown, s: Spec, depth: number): string {
  // A nil at the top level is only printable with %v; nested it is <nil>.
  if (v === null || v === undefined) return depth > 0 || s.verb === 'v' ? pad('<nil>', s) : bad(v, s);
  if (Array.isArray(v)) return `[${v.map((e) => fmtArg(e, s, depth + 1)).join(' ')}]`;
  if (isMapLike(v)) {
    const items = sortedEntries(v).map(([k, e]) => `${fmtArg(k, s, depth + 1)}:${fmtArg(e, s, depth + 1)}`);
    return `map[${items.join(' ')}]`;
  }
  if (typeof v === 'string') return fmtString(v, s);
  if (typeof v === 'number') return fmtNumber(v, s);
  if (typeof v === 'boolean') return s.verb === 'v' || s.verb === 't' ? pad(String(v), s) : bad(v, s);
  if (v instanceof Date) return fmtString(goTime(v), { ...s, verb: s.verb === 'v' ? 's' : s.verb });
  if (typeof v === 'object') { // struct-like: Go prints {v1 v2}, %+v {k1:v1 k2:v2}
    const fields = Object.entries(v).map(([k, e]) => (s.plus ? `${k}:` : '') + fmtArg(e, s, depth + 1));
    return `{${fields.join(' ')}}`;
  }
  return pad(String(v), s);
}

function bad(v: unknown, s: Spec): string {
  if (v === null || v === undefined) return `%!${s.verb}(<nil>)`;
  return `%!${s.verb}(${goTypeName(v)}=${fmtArg(v, { ...s, verb: 'v' }, 0)})`;
}

function fmtString(str: string, s: Spec): string {
  const cut = s.prec === undefined ? str : [...str].slice(0, s.prec).join('');
  switch (s.verb) {
    case 'v': case 's': return pad(cut, s);
    case 'q': return pad(quote(cut), s);
    case 'x': case 'X': {
      const hex = Buffer.from(str, 'utf8').toString('hex');
      return pad(s.verb === 'X' ? hex.toUpperCase() : hex, s);
    }
    default: return bad(str, s);
  }
}

const INT_BASES: Record<string, number> = { d: 10, v: 10, b: 2, o: 8, O: 8, x: 16, X: 16 };

function fmtNumber(n: number, s: Spec): string {
  const isInt = Number.isInteger(n);
  if ('eEfFgG'.includes(s.verb) || (s.verb === 'v' && !isInt)) return fmtFloat(n, s);
  if (!isInt) return bad(n, s); // integer verbs on a float64, as Go reports them
  if (s.verb in INT_BASES) return fmtInt(n, s);
  if (s.verb === 'c') return pad(String.fromCodePoint(n), s);
  if (s.verb === 'q') return pad(quote(String.fromCodePoint(n), "'"), s);
  if (s.verb === 'U') return pad(`U+${n.toString(16).toUpperCase().padStart(4, '0')}`, s);
  return bad(n, s);
}

function fmtInt(n: number, s: Spec): string {
  let body = BigInt(Math.abs(n)).toString(INT_BASES[s.verb]);
  if (s.verb === 'X') body = body.toUpperCase();
  if (s.prec !== undefined) body = body.padStart(s.prec, '0');
  const prefix = s.verb === 'O' ? '0o' : s.sharp ? ({ x: '0x', X: '0X', o: '0', b: '0b' }[s.verb] ?? '') : '';
  const sign = n < 0 ? '-' : s.plus ? '+' : s.space ? ' ' : '';
  return padNumber(sign + prefix, body, s, s.prec === undefined);
}

function fmtFloat(n: number, s: Spec): string {
  if (Number.isNaN(n)) return pad((s.plus ? '+' : s.space ? ' ' : '') + 'NaN', s);
  if (!Number.isFinite(n)) return pad((n < 0 ? '-' : s.space && !s.plus ? ' ' : '+') + 'Inf', s);
  const sign = n < 0 ? '-' : s.plus ? '+' : s.space ? ' ' : '';
  return padNumber(sign, formatFloat(Math.abs(n), s.verb, s.prec ?? -1), s, true);
}

function pad(str: string, s: Spec): string {
  const fill = (s.width ?? 0) - [...str].length;
  if (fill <= 0) return str;
  if (s.minus) return str + ' '.repeat(fill);
  return (s.zero ? '0' : ' ').repeat(fill) + str;
}

// Zero padding goes between the sign/prefix and the digits.
function padNumber(head: string, body: string, s: Spec, zeroOk: boolean): string {
  if (!(s.zero && zeroOk && !s.minus)) return pad(head + body, s);
  return head + body.padStart((s.width ?? 0) - head.length, '0');
}

/** time.Time's String() for a UTC instant: `2006-01-02 15:04:05.5 +0000 UTC`. */
function goTime(d: Date): string {
  const iso = d.toISOString().replace('T', ' ').replace('Z', '').replace(/\.?0+$/, '');
  return `${iso} +0000 UTC`;
}

// WWW-Authenticate parsing (RFC 7235). A registry may send several challenges, and fetch's
// Headers joins repeated headers with ", ", so the parser must tell a new `Scheme` from the
// next `key=value` parameter and must not split inside quoted values such as
// scope="repository:a:pull,push".

export interface Challenge {
  /** Lower-cased: `basic`, `bearer`, ... */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Never throws: whatever does not parse is skipped, so a broken header just means "no challenge". */
export function parseWWWAuthenticate(header: string | null | undefined): Challenge[] {
  const s = header ?? '';
  const out: Challenge[] = [];
  let i = 0;
  const skip = (re: RegExp): void => {
    while (i < s.length && re.test(s[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skip(/[\s,]/);
    const name = token();
    if (name === '') {
      i++; // a stray character: step over it rather than loop forever
      continue;
    }
    skip(/\s/);
    if (s[i] === '=' && s[i + 1] !== '=') {
      i++;
      skip(/\s/);
      const value = s[i] === '"' ? quoted() : token68();
      const current = out.at(-1);
      if (current) current.params[name.toLowerCase()] = value;
    } else {
      out.push({ scheme: name.toLowerCase(), params: {} });
      skipCredential();
    }
  }
  return out;

  function quoted(): string {
    let value = '';
    for (i++; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      value += s[i];
    }
    i++; // the closing quote (or past the end of an unterminated one)
    return value;
  }

  /** Steps over a token68 (`Negotiate abc==`), which is not a `key=value` and carries nothing we use. */
  function skipCredential(): void {
    const m = /^[A-Za-z0-9\-._~+/]+=*\s*(,|$)/.exec(s.slice(i));
    if (m) i += m[0].length;
  }

  function token68(): string {
    const start = i;
    while (i < s.length && !/[\s,]/.test(s[i]!)) i++;
    return s.slice(start, i);
  }
}

/** The challenge berthd answers: bearer first (dockerd registers its token handler first). */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

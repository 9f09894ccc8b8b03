// Go's json.Indent and json.Compact over the daemon's own bytes: docker's inspect prints what
// the daemon sent (key order, string escapes, number spellings) re-indented, never re-encoded.

/** json.Indent(dst, src, "", indent): a newline and indentation after every `{`, `[` and `,`. */
export function indentJson(src: string, indent = '    '): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  const newline = () => '\n' + indent.repeat(depth);
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (needIndent && c !== ']' && c !== '}') {
      needIndent = false;
      depth++;
      out += newline();
    }
    if (c === '"') {
      const end = stringEnd(src, i);
      out += src.slice(i, end);
      i = end - 1;
    } else if (c === '{' || c === '[') {
      needIndent = true;
      out += c;
    } else if (c === ',') {
      out += c + newline();
    } else if (c === ':') {
      out += ': ';
    } else if (c === '}' || c === ']') {
      if (needIndent) needIndent = false; // an empty object or array stays `{}` / `[]`
      else {
        depth--;
        out += newline();
      }
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

/** json.Compact: the same text without insignificant whitespace. */
export function compactJson(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '"') {
      const end = stringEnd(src, i);
      out += src.slice(i, end);
      i = end - 1;
    } else out += c;
  }
  return out;
}

/** The index just past the JSON string that starts at `start`. */
function stringEnd(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

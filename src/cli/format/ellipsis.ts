// The docker CLI's TruncateWithEllipsis, by characters (runes), not bytes.

/** docker's formatter.Ellipsis for single-width text. */
export function ellipsis(s: string, max: number): string {
  const runes = [...s];
  if (max <= 0) return '';
  if (max === 1) return runes[0] ?? '';
  if (runes.length <= max) return s;
  return runes.slice(0, max - 1).join('') + '…';
}

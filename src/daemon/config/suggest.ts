// "Did you mean ...?" for mistyped daemon.json keys and flags.

/**
 * Optimal-string-alignment (restricted Damerau-Levenshtein) distance: insertions, deletions,
 * substitutions and swaps of two neighbouring characters each cost 1. Swaps matter because
 * "tlsverfiy"-style typos are the common case.
 */
export function editDistance(a: string, b: string): number {
  // d[i][j] = distance between the first i chars of a and the first j chars of b.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, or undefined when none is close enough. The allowed distance
 * grows with the length (a third of it, at least 1) so that short words don't match everything.
 * Case is ignored: "liveRestore" should still point at "live-restore".
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const limit = Math.max(1, Math.floor(Math.max(w.length, c.length) / 3));
    const dist = editDistance(w, c.toLowerCase());
    if (dist <= limit && dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return best;
}

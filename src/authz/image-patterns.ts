// Image patterns of a policy: a repository name as docker normalises it ("busybox" is
// docker.io/library/busybox), with `*` for any run of characters ("registry.local:5000/ci/*").
// Tags and digests are not part of a pattern: a repository is trusted as a whole.
import { formatReference, parseReference, repositoryName, withDefaultTag } from '../image/reference.ts';

/** The pattern as a full repository name; throws (invalid reference) when it cannot be one. */
export function normalizePattern(pattern: string): string {
  if (!pattern.includes('*')) return repositoryName(parseReference(pattern));
  // Check the shape with the stars filled in, then keep the stars in the normalised form.
  const probe = repositoryName(parseReference(pattern.replaceAll('*', 'x')));
  const prefix = probe.length - pattern.length;
  return prefix > 0 ? probe.slice(0, prefix) + pattern : pattern;
}

/** Whether any name of the image (full references, with tag or digest) matches a pattern. */
export function imageAllowed(names: readonly string[], patterns: readonly string[]): boolean {
  const res = patterns.map((p) => new RegExp(`^${normalizePattern(p).split('*').map(escape).join('.*')}$`));
  return names.some((n) => {
    const repo = repositoryName(parseReference(n));
    return res.some((re) => re.test(repo));
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `asked` (as a request wrote it: busybox, busybox:latest) names the full reference. */
export function sameReference(full: string, asked: string): boolean {
  try {
    return formatReference(withDefaultTag(parseReference(asked))) === formatReference(withDefaultTag(parseReference(full)));
  } catch {
    return false; // an id or id prefix is not a reference
  }
}

/** The names an image is judged by: the one the request used when it resolved by that name
 * (another tag of the same image does not make it allowed), else — an id — all of its names. */
export function namesAsked(asked: string, names: readonly string[]): readonly string[] {
  const hit = names.find((n) => sameReference(n, asked));
  return hit ? [hit] : names;
}

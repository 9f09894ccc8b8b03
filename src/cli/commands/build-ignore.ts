// .dockerignore on the client, as the docker CLI applies it before it sends a directory: the
// patterns read as ignorefile.ReadAll reads them, matched with docker's rules by
// @balena/dockerignore (case-sensitive, as on Linux), and the Dockerfile and .dockerignore kept
// in the context even when a pattern names them (the daemon needs both; it drops them itself).
import dockerignore, { type Ignore } from '@balena/dockerignore';
import { clean } from '../../image/copy/go-path.ts';

// The package is CommonJS (`module.exports = factory`) with ESM-style typings: the default import
// is the factory at run time, whatever the typings say.
const ignore = dockerignore as unknown as (opts?: { ignorecase?: boolean }) => Ignore;

/** ignorefile.ReadAll: BOM stripped, `#` comments and blank lines skipped, paths cleaned. */
export function readIgnorePatterns(text: string): string[] {
  const patterns: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = i === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = clean(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

export class IgnoreRules {
  readonly patterns: readonly string[];
  readonly #matcher: Ignore;
  /** The `!` patterns, without the `!`: a skipped directory is still walked if one may match inside it. */
  readonly #exceptions: string[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns;
    this.#matcher = ignore({ ignorecase: false }).add([...patterns]);
    this.#exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  }

  /** Whether `rel` (slash-separated, relative to the context) is left out; the root never is. */
  excludes(rel: string): boolean {
    const path = clean(rel);
    if (path === '.') return false;
    return this.#matcher.ignores(path);
  }

  /** An excluded directory must still be walked when an exception may name something below it. */
  mayIncludeBelow(dir: string): boolean {
    const prefix = `${dir}/`;
    return this.#exceptions.some((p) => `${p}/`.startsWith(prefix));
  }

  /**
   * TrimBuildFilesFromExcludes: the rules plus exceptions for .dockerignore and the Dockerfile
   * (not for a Dockerfile that comes from stdin: the one in the directory is not the one used).
   */
  keepingBuildFiles(dockerfile: string | undefined): IgnoreRules {
    const extra: string[] = [];
    if (this.excludes('.dockerignore')) extra.push('!.dockerignore');
    if (dockerfile !== undefined && this.excludes(dockerfile)) extra.push(`!${dockerfile}`);
    return extra.length ? new IgnoreRules([...this.patterns, ...extra]) : this;
  }
}

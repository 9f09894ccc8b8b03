// The expansions the builder applies to a Dockerfile's words at dispatch time (see index.ts for
// which instruction fields get which).
import { Lexer, type Escape, type LexOptions } from './lexer.ts';
import { DockerfileError } from './types.ts';

const NO_ENV: ReadonlyMap<string, string> = new Map();

/** A word expanded to one string (COPY's paths, ENV's values, WORKDIR...). Throws DockerfileError
 * (no line: the caller knows it) on bad syntax or `${V:?msg}`. */
export function expandWord(word: string, env: ReadonlyMap<string, string> = NO_ENV, escape: Escape = '\\'): string {
  return lex(word, env, { escape }).text;
}

/** A word expanded and split into words as docker does for EXPOSE: `$P` with P="80 443" is two
 * words, `"$P"` one. */
export function expandWords(word: string, env: ReadonlyMap<string, string> = NO_ENV, escape: Escape = '\\'): string[] {
  return lex(word, env, { escape }).words;
}

/** A COPY/ADD heredoc body whose delimiter was not quoted (`Heredoc.expand`): variables and
 * backslash escapes are processed, quotes are kept (docker uses the backslash here whatever the
 * escape directive says). */
export function expandHeredoc(content: string, env: ReadonlyMap<string, string> = NO_ENV): string {
  return lex(content, env, { skipQuotes: true }).text;
}

export function lex(word: string, env: ReadonlyMap<string, string>, opts: LexOptions): { text: string; words: string[] } {
  try {
    return new Lexer(word, env, opts).until(undefined);
  } catch (err) {
    if (err instanceof DockerfileError) throw new DockerfileError(`failed to process ${JSON.stringify(word)}: ${err.message}`);
    throw err;
  }
}

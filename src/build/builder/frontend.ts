// What the builder uses of its sibling folders, as one object: the Dockerfile functions
// (src/build/dockerfile/index.ts) and the context's source functions (src/build/context/
// index.ts). index.ts passes the real ones; the builder's unit tests pass small doubles
// (frontend.test-helpers.ts), so dispatch, cache and scheduling are tested on their own while
// the real parser and context are tested in their folders and, together, end to end.
import type { Readable } from 'node:stream';
import type { FsView } from '../../image/copy/fs-view.ts';
import type { CopyTarOptions, SourceEntry } from '../context/types.ts';
import type { Directives, Instruction, ParsedDockerfile, Stage } from '../dockerfile/types.ts';

export type Escape = Directives['escape'];

export interface Frontend {
  parseDockerfile(text: string): ParsedDockerfile;
  parseTrigger(text: string, escape: Escape): Instruction;
  expandWord(word: string, env: ReadonlyMap<string, string>, escape?: Escape): string;
  expandWords(word: string, env: ReadonlyMap<string, string>, escape?: Escape): string[];
  /** A heredoc's body (`<<EOF`, not `<<"EOF"`): variables expanded, quotes kept. */
  expandHeredoc(content: string, env: ReadonlyMap<string, string>, escape?: Escape): string;
  neededStages(parsed: ParsedDockerfile, target: string | undefined, resolveFrom: (s: Stage) => string): Stage[][];
  matchSources(root: FsView, patterns: string[], o: { allowWildcards: boolean }): Promise<SourceEntry[]>;
  sourcesChecksum(root: FsView, entries: SourceEntry[]): Promise<string>;
  copyTar(root: FsView, entries: SourceEntry[], o: CopyTarOptions): () => Readable;
  fetchUrl(url: string, o: { scratchDir: string; signal: AbortSignal }): Promise<{ root: FsView; entry: SourceEntry; checksum: string }>;
  /** A heredoc's content as a source file named `name` under scratchDir. */
  inlineSource(name: string, content: string, o: { scratchDir: string }): Promise<{ root: FsView; entry: SourceEntry; checksum: string; dispose(): Promise<void> }>;
}

// What the builder uses of its sibling folders, as one object: the Dockerfile functions
// (src/build/dockerfile) and the context's source functions (src/build/context). One object
// rather than imports spread over the dispatchers, so the seam between the builder and them
// is listed in one place.
import * as context from '../context/index.ts';
import * as dockerfile from '../dockerfile/index.ts';
import type { Directives } from '../dockerfile/types.ts';

export type Escape = Directives['escape'];

export const frontend = {
  parseDockerfile: dockerfile.parseDockerfile,
  parseTrigger: dockerfile.parseTrigger,
  expandWord: dockerfile.expandWord,
  expandWords: dockerfile.expandWords,
  /** A heredoc's body (`<<EOF`, not `<<"EOF"`): variables expanded, quotes kept. */
  expandHeredoc: dockerfile.expandHeredoc,
  neededStages: dockerfile.neededStages,
  matchSources: context.matchSources,
  sourcesChecksum: context.sourcesChecksum,
  copyTar: context.copyTar,
  destInImage: context.destInImage,
  fetchUrl: context.fetchUrl,
  /** A heredoc's content as a source file under scratchDir. */
  inlineSource: context.inlineSource,
};

export type Frontend = typeof frontend;

// The build context and the sources of COPY/ADD: what the builder and the build service use.
export { receiveContext, type ContextOptions } from './receive.ts';
export { remoteContext, type RemoteOptions } from './remote.ts';
export { matchSources, type MatchOptions } from './match.ts';
export { sourcesChecksum } from './checksum.ts';
export { copyTar } from './copy-tar.ts';
export { fetchUrl, type FetchedUrl } from './fetch-url.ts';
export { inlineSource, type InlineSource } from './inline-source.ts';
export { goMatch, hasWildcards } from './go-match.ts';
export { isGitUrl } from './git-context.ts';
export type { BuildContext, CopyTarOptions, SourceEntry } from './types.ts';

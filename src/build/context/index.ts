// The build context and the sources of COPY/ADD, for the build service and the builder.
//
// What the builder does around these (the contract):
//  - errors are BerthErrors with dockerd's texts; the builder prefixes "COPY failed: " /
//    "ADD failed: " as dockerd does, and checks "several sources need a dest ending in /";
//  - copyTar's inImage comes from destInImage() over the parent image's tree: a file onto a
//    directory of the image goes into it, missing directories are made as docker makes them,
//    existing ones keep their mode and owner;
//  - extractArchives only for ADD's local sources: never for fetchUrl's download;
//  - matchSources' fromImage for COPY --from (dockerd's shorter not-found text);
//  - what fetchUrl and inlineSource return is disposed by the caller after the step.
export { receiveContext, type ContextOptions } from './receive.ts';
export { remoteContext, type RemoteOptions } from './remote.ts';
export { matchSources, type MatchOptions } from './match.ts';
export { sourcesChecksum } from './checksum.ts';
export { copyTar } from './copy-tar.ts';
export { destInImage } from './dest-in-image.ts';
export { fetchUrl, type FetchedUrl } from './fetch-url.ts';
export { inlineSource, type InlineSource } from './inline-source.ts';
export { goMatch, hasWildcards } from './go-match.ts';
export { isGitUrl } from './git-context.ts';
export type { BuildContext, CopyTarOptions, DestInImage, SourceEntry } from './types.ts';

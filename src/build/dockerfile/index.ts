// The Dockerfile front end of the builder: text → ParsedDockerfile (words unexpanded), the
// shell-word expansion the builder applies when it dispatches an instruction, and the stage plan.
//
// What docker expands, with the stage's variables (base image Env, ENV, ARGs in scope) and the
// Dockerfile's escape token:
// - expandWord: ENV/LABEL keys and values, ARG names and defaults, VOLUME paths, USER, WORKDIR,
//   STOPSIGNAL, COPY/ADD sources, dest, --chown and --chmod (and --from if the engine allows it,
//   as BuildKit does; the classic builder did not); FROM's image and --platform with the meta
//   ARGs only.
// - expandWords: each EXPOSE word (one word may become several ports).
// - expandHeredoc: COPY/ADD heredoc bodies whose Heredoc.expand is true.
// - Never: RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK (the shell does it), ONBUILD, MAINTAINER.
export { parseDockerfile, parseTrigger } from './parse.ts';
export { expandWord, expandWords, expandHeredoc } from './expand.ts';
export type { Escape } from './lexer.ts';
export { neededStages, stagePlan, type StagePlan, type ResolveFrom, type ExpandCopyFrom } from './stages.ts';
export * from './types.ts';

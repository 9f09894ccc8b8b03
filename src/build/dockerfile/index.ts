// The Dockerfile front end of the builder: text → ParsedDockerfile (unexpanded words), the
// shell-word expansion the builder applies at dispatch, and the stage plan.
export { parseDockerfile, parseTrigger } from './parse.ts';
export { expandWord, expandWords, expandHeredoc, type Escape } from './lexer.ts';
export { neededStages, stagePlan, type StagePlan, type ResolveFrom, type ExpandCopyFrom } from './stages.ts';
export * from './types.ts';

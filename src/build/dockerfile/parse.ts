// parseDockerfile: directives, then the instructions (logical-lines.ts), each read by its
// keyword's rules (instructions.ts), then split into stages at each FROM.
import { readDirectives } from './directives.ts';
import { argInstruction, BUILDERS } from './instructions.ts';
import type { Escape } from './lexer.ts';
import { logicalLines, type LogicalLine } from './logical-lines.ts';
import { parseFlags } from './flags.ts';
import { atLeastOne, fail, type Request } from './request.ts';
import { DockerfileError, type Instruction, type ParsedDockerfile, type Stage } from './types.ts';
import { splitBlanks, splitCommand } from './words.ts';

/** Every step is an image whose config carries the history of all before it: the store grows
 * with the square of the steps. Measured here: 2000 LABELs built in 35-54 s into 257 MB of
 * configs, which `images -a` and `system df` then read whole (10-16 s, berthd's event loop
 * blocked); 10^4 of them ran berthd out of heap. An endless FROM chain is refused the same way. */
export const MAX_INSTRUCTIONS = 1000;

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const { directives, count } = readDirectives(lines);
  const logical = logicalLines(lines, count, directives.escape);
  if (logical.length === 0) throw new DockerfileError('file with no instructions', Math.max(1, lines.length - (text.endsWith('\n') ? 1 : 0)));
  if (logical.length > MAX_INSTRUCTIONS) throw new DockerfileError(`too many instructions: ${logical.length}, at most ${MAX_INSTRUCTIONS} are built`, logical[MAX_INSTRUCTIONS]!.line);
  const parsed: ParsedDockerfile = { directives, metaArgs: [], stages: [] };
  for (const ll of logical) {
    if (ll.emptyContinuation) (parsed.warnings ??= []).push({ line: ll.line, message: `Empty continuation line found in:\n    ${ll.text}` });
    const req = request(ll, directives.escape);
    if (req.keyword === 'FROM') {
      parsed.stages.push(stageOf(req, parsed.stages));
      continue;
    }
    const ins = instruction(req);
    const stage = parsed.stages.at(-1);
    if (stage) stage.instructions.push(ins);
    else if (ins.kind === 'ARG') parsed.metaArgs.push(...ins.args.map((a) => ({ at: ins.at, ...a })));
    else fail(req, `no build stage in current context: ${req.keyword} before the first FROM`);
  }
  if (parsed.stages.length === 0) throw new DockerfileError('dockerfile contains no stages to build: no FROM', logical.at(-1)!.line);
  return parsed;
}

/** An ONBUILD trigger stored in a base image ("RUN echo hi"), read as docker reads it when a
 * build starts FROM that image. Docker reads triggers with the default escape token (backslash)
 * whatever the child Dockerfile's directive says: leave `escape` out to do the same. `line` is
 * where errors and At point (the child's FROM line). */
export function parseTrigger(text: string, escape: Escape = '\\', line = 1): Instruction {
  const logical = wrap(() => logicalLines(text.split('\n'), 0, escape), line);
  if (logical.length !== 1) throw new DockerfileError(`ONBUILD trigger ${JSON.stringify(text)} is not one instruction`, line);
  const req = request({ ...logical[0]!, line }, escape);
  if (req.keyword === 'ONBUILD') fail(req, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (req.keyword === 'FROM' || req.keyword === 'MAINTAINER') fail(req, `${req.keyword} isn't allowed as an ONBUILD trigger`);
  return instruction(req);
}

function wrap<T>(f: () => T, line: number): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DockerfileError) throw new DockerfileError(err.message, line);
    throw err;
  }
}

function request(ll: LogicalLine, escape: Escape): Request {
  const { keyword, flags, rest } = splitCommand(ll.text, escape);
  return { keyword: keyword.toUpperCase(), at: { line: ll.line, text: ll.text.trim() }, flags, rest, original: ll.text, heredocs: ll.heredocs, escape };
}

function instruction(req: Request): Instruction {
  if (req.keyword === 'ONBUILD') return onbuild(req);
  const build = req.keyword === 'ARG' ? argInstruction : BUILDERS[req.keyword];
  if (!build) fail(req, `unknown instruction: ${req.keyword}`);
  return build(req);
}

/** Stored as docker stores it: the line without "ONBUILD", its heredoc bodies appended. Like
 * docker, only the trigger's keyword is checked here; the rest when a child build runs it. */
function onbuild(req: Request): Instruction {
  parseFlags(req.flags, {}, req.at.line);
  if (req.rest === '') atLeastOne(req);
  const sub = splitCommand(req.rest, req.escape);
  const keyword = sub.keyword.toUpperCase();
  if (keyword === 'ONBUILD') fail(req, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (keyword === 'FROM' || keyword === 'MAINTAINER') fail(req, `${keyword} isn't allowed as an ONBUILD trigger`);
  const trigger = req.original.replace(/^\s*ONBUILD\s*/i, '') + req.heredocs.map((h) => `\n${h.content}${h.name}`).join('');
  return { kind: 'ONBUILD', at: req.at, trigger };
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

function stageOf(req: Request, earlier: readonly Stage[]): Stage {
  const flags = parseFlags(req.flags, { platform: 'string' }, req.at.line);
  const args = splitBlanks(req.rest);
  if (!(args.length === 1 || (args.length === 3 && args[1]!.toLowerCase() === 'as'))) fail(req, 'FROM requires either one or three arguments');
  const name = args[2]?.toLowerCase();
  if (name !== undefined) {
    if (!STAGE_NAME.test(name)) fail(req, `invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`);
    const dup = earlier.find((s) => s.name === name);
    if (dup) fail(req, `duplicate stage name ${JSON.stringify(name)} (first on line ${dup.from.at.line})`);
  }
  const from: Stage['from'] = { at: req.at, image: args[0]! };
  const platform = flags.get('platform');
  if (platform !== undefined) from.platform = platform;
  const stage: Stage = { index: earlier.length, from, instructions: [] };
  if (name !== undefined) stage.name = name;
  return stage;
}

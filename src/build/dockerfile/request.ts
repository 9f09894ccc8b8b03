// One instruction on its way from its logical line to an Instruction.
import type { Escape } from './lexer.ts';
import type { RawHeredoc } from './logical-lines.ts';
import { DockerfileError, type At } from './types.ts';

export interface Request {
  /** Upper-cased keyword. */
  keyword: string;
  at: At;
  /** The `--flag` words before the arguments (quotes removed). */
  flags: string[];
  /** The arguments after the flags, trimmed. */
  rest: string;
  /** The joined line, untrimmed (ONBUILD stores its trigger from it). */
  original: string;
  heredocs: RawHeredoc[];
  escape: Escape;
}

export function fail(req: Request, message: string): never {
  throw new DockerfileError(message, req.at.line);
}

export function atLeastOne(req: Request): never {
  return fail(req, `${req.keyword} requires at least one argument`);
}

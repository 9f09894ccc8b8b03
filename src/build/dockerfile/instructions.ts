// Each keyword's arguments read as docker's parser reads them (words stay unexpanded; the
// builder substitutes variables when it runs the instruction). Messages follow docker's.
import { cmdInstruction, healthcheckInstruction, runInstruction, shellInstruction } from './commands.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { chompTabs, safeHeredocWord } from './heredoc.ts';
import { atLeastOne, fail, type Request } from './request.ts';
import type { Heredoc, Instruction } from './types.ts';
import { jsonArray, quotedWords, splitBlanks } from './words.ts';

type Builder = (req: Request) => Instruction;

/** FROM is not here: it starts a stage (see stages.ts). */
export const BUILDERS: Record<string, Builder> = {
  RUN: runInstruction,
  CMD: cmdInstruction,
  ENTRYPOINT: cmdInstruction,
  SHELL: shellInstruction,
  HEALTHCHECK: healthcheckInstruction,
  ENV: pairs,
  LABEL: pairs,
  ARG: argInstruction,
  EXPOSE: (req) => ({ kind: 'EXPOSE', at: req.at, ports: list(req, splitBlanks(req.rest)) }),
  VOLUME: volumeInstruction,
  USER: single,
  WORKDIR: single,
  STOPSIGNAL: single,
  MAINTAINER: single,
  COPY: copyInstruction,
  ADD: copyInstruction,
};

function list(req: Request, words: string[]): string[] {
  parseFlags(req.flags, {}, req.at.line);
  if (words.length === 0) atLeastOne(req);
  return words;
}

/** `ENV k=v k2="v 2"`, or the legacy `ENV k the rest of the line` (first word has no `=`). */
function pairs(req: Request): Instruction {
  const words = list(req, quotedWords(req.rest, req.escape));
  const kind = req.keyword as 'ENV' | 'LABEL';
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)[\t\v\f\r ]+([\s\S]+)$/.exec(req.rest);
    if (!m) fail(req, `${kind} must have two arguments`);
    return { kind, at: req.at, pairs: [[m[1]!, m[2]!]] };
  }
  const out: [string, string][] = words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) fail(req, `Syntax error - can't find = in ${JSON.stringify(w)}. Must be of the form: name=value`);
    if (eq === 0) fail(req, `${kind} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
  return { kind, at: req.at, pairs: out };
}

export function argInstruction(req: Request): Instruction & { kind: 'ARG' } {
  const args = list(req, quotedWords(req.rest, req.escape)).map((w) => {
    const eq = w.indexOf('=');
    if (eq === 0) fail(req, 'ARG names can not be blank');
    return eq < 0 ? { name: w } : { name: w.slice(0, eq), default: w.slice(eq + 1) };
  });
  return { kind: 'ARG', at: req.at, args };
}

function volumeInstruction(req: Request): Instruction {
  const paths = list(req, jsonArray(req.rest, req.at.line) ?? splitBlanks(req.rest)).map((p) => p.trim());
  if (paths.includes('')) fail(req, 'VOLUME specified can not be an empty string');
  return { kind: 'VOLUME', at: req.at, paths };
}

/** USER, WORKDIR, STOPSIGNAL, MAINTAINER: the rest of the line is the one argument. */
function single(req: Request): Instruction {
  parseFlags(req.flags, {}, req.at.line);
  if (req.rest === '') fail(req, `${req.keyword} requires exactly one argument`);
  return { kind: req.keyword as 'USER', at: req.at, value: req.rest };
}

const COPY_FLAGS: FlagSpec = { chown: 'string', chmod: 'string', from: 'string', link: 'bool' };
const ADD_FLAGS: FlagSpec = { chown: 'string', chmod: 'string', link: 'bool' };

/** COPY/ADD: words or a JSON array (for paths with blanks); the last is the destination; a
 * source that opens a heredoc is that inline file, named by the heredoc's name. */
function copyInstruction(req: Request): Instruction {
  const kind = req.keyword as 'COPY' | 'ADD';
  const flags = parseFlags(req.flags, kind === 'COPY' ? COPY_FLAGS : ADD_FLAGS, req.at.line);
  const args = jsonArray(req.rest, req.at.line) ?? splitBlanks(req.rest);
  if (args.length < 2) fail(req, `${kind} requires at least two arguments, but only one was provided. Destination could not be determined`);
  const dest = args.pop()!;
  if (req.heredocs.length > 0 && safeHeredocWord(dest)) fail(req, `${kind} cannot accept a heredoc as a destination`);
  const heredocs: Heredoc[] = [];
  const sources = args.map((src) => {
    const word = req.heredocs.length > 0 ? safeHeredocWord(src) : undefined;
    const body = word && req.heredocs.find((h) => h.name === word.name);
    if (!word || !body) return src;
    heredocs.push({ name: word.name, content: word.chomp ? chompTabs(body.content) : body.content, expand: word.expand });
    return word.name;
  });
  const out: Extract<Instruction, { kind: 'COPY' | 'ADD' }> = { kind, at: req.at, sources, dest, heredocs };
  for (const f of ['from', 'chown', 'chmod'] as const) if (flags.has(f)) out[f] = flags.get(f)!;
  if (flags.get('link') === 'true') out.link = true;
  return out;
}

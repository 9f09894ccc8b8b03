// The instructions that carry a command: RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK.
// JSON array → exec form; anything else (invalid JSON included) → shell form, run by SHELL.
import { parseGoDuration } from '../../lib/go-duration.ts';
import { parseFlags } from './flags.ts';
import { chompTabs, safeHeredocWord } from './heredoc.ts';
import { atLeastOne, fail, type Request } from './request.ts';
import type { Command, Instruction } from './types.ts';
import { jsonArray } from './words.ts';

const NETWORKS = new Set(['default', 'none', 'host']);

export function runInstruction(req: Request): Instruction {
  const flags = parseFlags(req.flags, { network: 'string' }, req.at.line);
  const network = flags.get('network');
  if (network !== undefined && !NETWORKS.has(network)) fail(req, `unsupported network mode ${JSON.stringify(network)}`);
  if (req.rest === '') atLeastOne(req);
  const run: Extract<Instruction, { kind: 'RUN' }> = { kind: 'RUN', at: req.at, command: commandOf(req) ?? { form: 'shell', script: req.rest } };
  if (network !== undefined) run.network = network;
  if (req.heredocs.length > 0) withHeredocs(req, run);
  return run;
}

/** `RUN <<EOF` alone: the body is the script (or, with a `#!` line, an executable file docker
 * mounts and runs); `RUN cmd <<EOF...`: the shell gets the line and the bodies with their
 * terminators, and runs the heredocs itself. */
function withHeredocs(req: Request, run: Extract<Instruction, { kind: 'RUN' }>): void {
  const first = req.heredocs[0]!;
  if (!safeHeredocWord(req.rest)) {
    run.command = { form: 'shell', script: req.rest + req.heredocs.map((h) => `\n${h.content}${h.name}`).join('') };
    return;
  }
  const content = first.chomp ? chompTabs(first.content) : first.content;
  if (!content.startsWith('#!')) {
    run.command = { form: 'shell', script: content };
    return;
  }
  const path = `/dev/pipes/${first.name}`;
  run.command = { form: 'shell', script: path };
  run.inlineFile = { path, content, mode: 0o755 };
}

export function cmdInstruction(req: Request): Instruction {
  parseFlags(req.flags, {}, req.at.line);
  // A bare CMD/ENTRYPOINT clears it (docker keeps an empty command line).
  const command = commandOf(req) ?? (req.rest === '' ? { form: 'exec', argv: [] } : { form: 'shell', script: req.rest });
  return { kind: req.keyword as 'CMD' | 'ENTRYPOINT', at: req.at, command };
}

export function shellInstruction(req: Request): Instruction {
  parseFlags(req.flags, {}, req.at.line);
  if (req.rest === '') atLeastOne(req);
  const argv = jsonArray(req.rest, req.at.line);
  if (!argv) fail(req, 'SHELL requires the arguments to be in JSON form');
  if (argv.length === 0) atLeastOne(req);
  return { kind: 'SHELL', at: req.at, shell: argv };
}

function commandOf(req: Request, rest = req.rest): Command | undefined {
  const argv = jsonArray(rest, req.at.line);
  return argv ? { form: 'exec', argv } : undefined;
}

const DURATIONS = ['interval', 'timeout', 'start-period', 'start-interval'] as const;

export function healthcheckInstruction(req: Request): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(req.rest);
  if (!m) atLeastOne(req);
  const type = m[1]!.toUpperCase();
  const args = m[2]!;
  if (type === 'NONE') {
    if (args !== '') fail(req, 'HEALTHCHECK NONE takes no arguments');
    return { kind: 'HEALTHCHECK', at: req.at, none: true };
  }
  const flags = parseFlags(req.flags, { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' }, req.at.line);
  if (type !== 'CMD') fail(req, `Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`);
  const test = commandOf(req, args) ?? { form: 'shell', script: args };
  if (test.form === 'exec' ? test.argv.length === 0 : test.script === '') fail(req, 'Missing command after HEALTHCHECK CMD');
  const [interval, timeout, startPeriod, startInterval] = DURATIONS.map((f) => durationNs(req, f, flags.get(f)));
  return {
    kind: 'HEALTHCHECK', at: req.at, none: false, test,
    interval: interval!, timeout: timeout!, startPeriod: startPeriod!, startInterval: startInterval!,
    retries: retries(req, flags.get('retries')),
  };
}

/** A Go duration in nanoseconds; 0 when not given; at least 1ms otherwise. */
function durationNs(req: Request, flag: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const sign = /^[+-]/.test(raw) ? raw[0] : '';
  const ms = parseGoDuration(raw.slice(sign.length));
  if (ms === undefined) fail(req, durationError(raw));
  if (ms === 0) return 0;
  if (sign === '-' || ms < 1) fail(req, `Interval ${JSON.stringify(flag)} cannot be less than 1ms`);
  return Math.round(ms * 1e6);
}

/** Go's time.ParseDuration messages: a number without a unit, an unknown unit, or neither. */
function durationError(raw: string): string {
  const q = JSON.stringify(raw);
  const body = raw.replace(/^[+-]/, '');
  for (const [, num, unit] of body.matchAll(/([\d.]+)([^\d.]*)/g)) {
    if (!/\d/.test(num!)) break;
    if (unit === '') return `time: missing unit in duration ${q}`;
    if (!['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'].includes(unit!)) return `time: unknown unit ${JSON.stringify(unit)} in duration ${q}`;
  }
  return `time: invalid duration ${q}`;
}

function retries(req: Request, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const n = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || Math.abs(n) > 2 ** 31 - 1) fail(req, `strconv.ParseInt: parsing ${JSON.stringify(raw)}: ${Number.isNaN(n) ? 'invalid syntax' : 'value out of range'}`);
  if (n < 0) fail(req, `--retries cannot be negative (${n})`);
  return n;
}

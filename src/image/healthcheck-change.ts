// `--change 'HEALTHCHECK ...'` for import and commit, read as the Dockerfile instruction is:
// `HEALTHCHECK NONE`, or `HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D]
// [--start-interval=D] [--retries=N] CMD <command>` (JSON form → CMD, shell form → CMD-SHELL).
import { invalidParameter } from '../api/types/errors.ts';
import { parseGoDuration } from '../lib/go-duration.ts';
import type { HealthConfig } from './types.ts';

const DURATION_FLAGS = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' } as const;

export function parseHealthcheckChange(rest: string): HealthConfig {
  const flags = new Map<string, string>();
  let text = rest.trim();
  for (let m = /^--([^\s=]+)(?:=(\S*))?\s*/.exec(text); m; m = /^--([^\s=]+)(?:=(\S*))?\s*/.exec(text)) {
    if (!(m[1]! in DURATION_FLAGS) && m[1] !== 'retries') throw invalidParameter(`Unknown flag: ${m[1]}`);
    flags.set(m[1]!, m[2] ?? '');
    text = text.slice(m[0].length);
  }
  const [, word = '', args = ''] = /^(\S*)\s*([\s\S]*)$/.exec(text)!;
  if (!word) throw invalidParameter('HEALTHCHECK requires at least one argument');
  const kind = word.toUpperCase();
  if (kind === 'NONE') {
    if (args) throw invalidParameter('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (kind !== 'CMD') throw invalidParameter(`Unknown type ${JSON.stringify(kind)} in HEALTHCHECK (try CMD)`);
  const json = jsonForm(args);
  if (json ? json.length === 0 : !args) throw invalidParameter('Missing command after HEALTHCHECK CMD');
  const hc: HealthConfig = { Test: json ? ['CMD', ...json] : ['CMD-SHELL', args] };
  for (const [flag, field] of Object.entries(DURATION_FLAGS)) {
    const raw = flags.get(flag);
    if (!raw) continue;
    const ms = parseGoDuration(raw);
    if (ms === undefined) throw invalidParameter(`time: invalid duration ${JSON.stringify(raw)}`);
    if (ms !== 0 && ms < 1) throw invalidParameter(`Interval ${JSON.stringify(flag)} cannot be less than 1ms`);
    if (ms) hc[field] = Math.round(ms * 1e6);
  }
  const retries = flags.get('retries');
  if (retries) {
    if (!/^[+-]?\d+$/.test(retries)) throw invalidParameter(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`);
    if (Number(retries) < 0) throw invalidParameter(`--retries cannot be negative (${Number(retries)})`);
    if (Number(retries)) hc.Retries = Number(retries);
  }
  return hc;
}

function jsonForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined; // not JSON: the shell form, as the Dockerfile parser does
  }
}

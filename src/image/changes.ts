// `--change` instructions for import and commit: the Dockerfile instructions that only touch
// the image config (CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER,
// VOLUME, WORKDIR), in JSON or shell form, applied to a config as docker applies them.
import { invalidParameter } from '../api/types/errors.ts';
import type { ContainerConfig } from './types.ts';
import { parseHealthcheckChange } from './healthcheck-change.ts';

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const out: ContainerConfig = structuredClone(config);
  for (const line of changes) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    // A NUL would end up in a path, an argument or the environment of every container of the image.
    if (trimmed.includes('\0')) throw invalidParameter(`invalid change ${JSON.stringify(trimmed)}: a NUL byte is not allowed`);
    const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed)!;
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (!ALLOWED.includes(instr)) throw invalidParameter(`${m[1]} is not a valid change command`);
    apply(out, instr, rest);
  }
  return out;
}

function apply(c: ContainerConfig, instr: string, rest: string): void {
  switch (instr) {
    case 'CMD':
      c.Cmd = commandForm(rest);
      break;
    case 'ENTRYPOINT':
      c.Entrypoint = commandForm(rest);
      break;
    case 'ENV':
      for (const [k, v] of keyValues(rest, 'ENV')) c.Env = [...(c.Env ?? []).filter((e) => !e.startsWith(`${k}=`)), `${k}=${v}`];
      break;
    case 'LABEL':
      for (const [k, v] of keyValues(rest, 'LABEL')) c.Labels = { ...c.Labels, [k]: v };
      break;
    case 'EXPOSE':
      for (const p of words(rest)) c.ExposedPorts = { ...c.ExposedPorts, [p.includes('/') ? p : `${p}/tcp`]: {} };
      break;
    case 'VOLUME':
      for (const v of rest.startsWith('[') ? jsonArray(rest) : words(rest)) c.Volumes = { ...c.Volumes, [v]: {} };
      break;
    case 'HEALTHCHECK':
      c.Healthcheck = parseHealthcheckChange(rest);
      break;
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), rest];
      break;
    case 'STOPSIGNAL':
      c.StopSignal = rest;
      break;
    case 'USER':
      c.User = rest;
      break;
    case 'WORKDIR':
      c.WorkingDir = rest;
      break;
  }
}

function commandForm(rest: string): string[] {
  if (rest.startsWith('[')) {
    try {
      return jsonArray(rest);
    } catch {
      /* not JSON: shell form, as the Dockerfile parser does */
    }
  }
  return ['/bin/sh', '-c', rest];
}

function jsonArray(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw invalidParameter(`expected a JSON array of strings: ${text}`);
  return parsed;
}

function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

/** `K=V K2="v 2"`, or the legacy single `K V` form. */
function keyValues(rest: string, instr: string): [string, string][] {
  if (!/^[^\s=]+=/.test(rest)) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(rest);
    if (!m) throw invalidParameter(`${instr} requires at least one argument`);
    return [[m[1]!, m[2]!]];
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const raw = m[2]!;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.startsWith("'") ? raw.slice(1, -1) : raw;
    out.push([m[1]!, value]);
  }
  return out;
}

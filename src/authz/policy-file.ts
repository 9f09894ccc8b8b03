// Reading an authorization policy as strictly as daemon.json is read (the same parser and
// messages: file, line, did-you-mean), and for the same reason: a rule the daemon silently
// ignored is access the administrator believes is closed.
//
//   { "rules": [ { "name": "monitoring", "who": { "groups": ["berth-monitor"] }, "allow": ["read-only"] },
//                { "name": "ci", "who": { "certificates": [{ "cn": "ci" }] }, "allow": ["containers"],
//                  "limits": { "bind-paths": ["/srv/ci"], "images": ["registry.local/ci/*"], "memory": "2g" } } ] }
import { readFileSync } from 'node:fs';
import { ConfigError } from '../daemon/config/errors.ts';
import { JsonSyntaxError, parseJsonWithPositions } from '../daemon/config/json-positions.ts';
import { invalid, label, lineOf, typeName, unknownKey, type JsonContext } from '../daemon/config/json-values.ts';
import type { JsonPath } from '../daemon/config/json-positions.ts';
import { suggest } from '../daemon/config/suggest.ts';
import { ROUTE_CLASSES, type RouteClass } from './route-classes.ts';
import type { AuditPolicy, Policy, Rule, Who } from './policy.ts';
import { readAudit, readLimits, AUDIT_DEFAULTS } from './policy-limits.ts';
import { readUnixNames, type UnixNames } from './unix-names.ts';
import { list, object, strings } from './json-read.ts';

const RULE_KEYS = ['name', 'who', 'allow', 'limits'];
const WHO_KEYS = ['anyone', 'users', 'groups', 'sockets', 'certificates'];
const CERT_KEYS = ['cn', 'o', 'ou', 'san'];
const ALLOW = [...ROUTE_CLASSES, 'all'];

export function readPolicyFile(file: string, names: UnixNames = readUnixNames()): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read authorization policy ${file}: ${(err as Error).message}`);
  }
  return parsePolicy(text, file, names);
}

export function parsePolicy(text: string, file: string, names: UnixNames): Policy {
  let doc;
  try {
    doc = parseJsonWithPositions(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new ConfigError(`invalid JSON in ${file} at line ${err.position.line}, column ${err.position.column}: ${err.reason}`);
  }
  const ctx: JsonContext = { file, positions: doc.positions };
  const problems = doc.duplicates.map((d) => `duplicate key "${label(d.path)}" at line ${d.second.line} of ${file} (first given at line ${d.first.line})`);
  const top = object(ctx, [], doc.value);
  const rules: Rule[] = [];
  collect(problems, () => {
    for (const k of Object.keys(top)) if (k !== 'rules' && k !== 'audit') throw unknownKey(ctx, [k], ['rules', 'audit']);
    if (!Array.isArray(top.rules) || top.rules.length === 0) throw invalid(ctx, ['rules'], 'expected a non-empty array of rules');
  });
  let audit: AuditPolicy = { ...AUDIT_DEFAULTS };
  collect(problems, () => void (audit = readAudit(ctx, ['audit'], top.audit)));
  const seen = new Map<string, number>();
  (Array.isArray(top.rules) ? top.rules : []).forEach((value, i) => collect(problems, () => {
    const rule = readRule(ctx, ['rules', i], value, names);
    const first = seen.get(rule.name);
    if (first !== undefined) throw invalid(ctx, ['rules', i, 'name'], `rule "${rule.name}" is already given at line ${first}`);
    seen.set(rule.name, rule.line);
    rules.push(rule);
  }));
  if (problems.length > 0) throw new ConfigError(problems);
  return { file, rules, audit };
}

function collect(problems: string[], fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
}

function readRule(ctx: JsonContext, at: JsonPath, value: unknown, names: UnixNames): Rule {
  const obj = object(ctx, at, value);
  for (const k of Object.keys(obj)) if (!RULE_KEYS.includes(k)) throw unknownKey(ctx, [...at, k], RULE_KEYS);
  const name = obj.name;
  if (typeof name !== 'string' || name === '') throw invalid(ctx, obj.name === undefined ? at : [...at, 'name'], 'every rule needs a "name" (denials quote it)');
  const allow = strings(ctx, [...at, 'allow'], obj.allow);
  if (allow.length === 0) throw invalid(ctx, [...at, 'allow'], `expected a non-empty list of ${ALLOW.join(', ')}`);
  allow.forEach((cls, i) => {
    if (ALLOW.includes(cls)) return;
    const near = suggest(cls, ALLOW);
    throw invalid(ctx, [...at, 'allow', i], `unknown class "${cls}"${near ? `; did you mean "${near}"?` : ''} (classes: ${ALLOW.join(', ')})`);
  });
  const all = allow.includes('all');
  if (all && obj.limits !== undefined) throw invalid(ctx, [...at, 'limits'], '"all" is root on the host: it takes no limits (name the classes instead)');
  return {
    name, line: lineOf(ctx, at), all, who: readWho(ctx, [...at, 'who'], obj.who, names),
    classes: new Set(allow.filter((c): c is RouteClass => c !== 'all')),
    limits: readLimits(ctx, [...at, 'limits'], obj.limits),
  };
}

function readWho(ctx: JsonContext, at: JsonPath, value: unknown, names: UnixNames): Who {
  const obj = object(ctx, at, value);
  for (const k of Object.keys(obj)) if (!WHO_KEYS.includes(k)) throw unknownKey(ctx, [...at, k], WHO_KEYS);
  if (Object.keys(obj).length === 0) throw invalid(ctx, at, `name who the rule is for (${WHO_KEYS.join(', ')}); "anyone": true for everyone`);
  if (obj.anyone !== undefined && obj.anyone !== true) throw invalid(ctx, [...at, 'anyone'], 'expected true (leave it out otherwise)');
  return {
    anyone: obj.anyone === true,
    users: ids(ctx, [...at, 'users'], obj.users, names.users, 'user'),
    groups: ids(ctx, [...at, 'groups'], obj.groups, names.groups, 'group'),
    sockets: strings(ctx, [...at, 'sockets'], obj.sockets ?? []).map((s, i) => socketAddress(ctx, [...at, 'sockets', i], s)),
    certificates: list(ctx, [...at, 'certificates'], obj.certificates ?? []).map((c, i) => {
      const m = object(ctx, [...at, 'certificates', i], c);
      for (const k of Object.keys(m)) if (!CERT_KEYS.includes(k)) throw unknownKey(ctx, [...at, 'certificates', i, k], CERT_KEYS);
      if (Object.keys(m).length === 0) throw invalid(ctx, [...at, 'certificates', i], `name at least one of ${CERT_KEYS.join(', ')}`);
      for (const k of Object.keys(m)) if (typeof m[k] !== 'string') throw invalid(ctx, [...at, 'certificates', i, k], `expected a string, got ${typeName(m[k])}`);
      return m as { cn?: string; o?: string; ou?: string; san?: string };
    }),
  };
}

/** Names (or numeric ids) of users or groups, as ids; an unknown name is refused. */
function ids(ctx: JsonContext, at: JsonPath, value: unknown, known: ReadonlyMap<string, number>, what: string): number[] {
  return strings(ctx, at, value ?? [], true).map((v, i) => {
    if (/^\d+$/.test(v)) return Number(v);
    const id = known.get(v);
    if (id !== undefined) return id;
    const near = suggest(v, known.keys());
    throw invalid(ctx, [...at, i], `no ${what} "${v}" on this host${near ? `; did you mean "${near}"?` : ''}`);
  });
}

function socketAddress(ctx: JsonContext, at: JsonPath, s: string): string {
  if (s.startsWith('/')) return `unix://${s}`;
  if (/^(unix|tcp):\/\/./.test(s)) return s;
  throw invalid(ctx, at, `expected unix:///path, /path or tcp://host:port, got "${s}"`);
}

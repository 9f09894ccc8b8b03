// A layer's `json` in the legacy `docker save` layout is a v1 image: that day's image config
// plus `id` and `parent`. dockerd's legacy loader (image/tarexport legacyLoad, image/v1) turns
// each into a modern config: the v1 document with id, parent, Size, parent_id, layer_id and
// throwaway removed and rootfs and history added, top-level keys sorted, values compacted. A
// document from before Docker 1.8.3 (by its docker_version, absent counting as old) is first
// decoded into Go's V1Image struct and re-encoded, which drops unknown fields and writes every
// container.Config field. The history entry is built from the v1 created, author, comment
// and container_config.Cmd. The bytes matter: the image id is their sha256, so this follows
// Go's decoding (field names matched case-insensitively, null leaves a field as it was, a
// string Cmd is a one-element list) and encoding (go-json.ts) to get dockerd's ids.
import { invalidParameter } from '../../api/types/errors.ts';
import { compact, GO_ZERO_TIME, goObject, goQuote, goSorted, goTime, objectMembers, versionLess } from './go-json.ts';

type Kind = 'string' | 'bool' | 'int' | 'intptr' | 'time' | 'strings' | 'strslice' | 'set' | 'labels' | 'health' | 'config' | 'configptr';
interface Field { name: string; kind: Kind; omitEmpty?: true }
type Struct = Map<string, unknown>;

const f = (name: string, kind: Kind, omitEmpty?: true): Field => ({ name, kind, ...(omitEmpty && { omitEmpty }) });
const O = true as const;

/** container.Config of Docker 20.10, in its field order. */
const CONFIG: Field[] = [
  f('Hostname', 'string'), f('Domainname', 'string'), f('User', 'string'), f('AttachStdin', 'bool'), f('AttachStdout', 'bool'),
  f('AttachStderr', 'bool'), f('ExposedPorts', 'set', O), f('Tty', 'bool'), f('OpenStdin', 'bool'), f('StdinOnce', 'bool'),
  f('Env', 'strings'), f('Cmd', 'strslice'), f('Healthcheck', 'health', O), f('ArgsEscaped', 'bool', O), f('Image', 'string'),
  f('Volumes', 'set'), f('WorkingDir', 'string'), f('Entrypoint', 'strslice'), f('NetworkDisabled', 'bool', O),
  f('MacAddress', 'string', O), f('OnBuild', 'strings'), f('Labels', 'labels'), f('StopSignal', 'string', O),
  f('StopTimeout', 'intptr', O), f('Shell', 'strslice', O),
];
const HEALTH: Field[] = [f('Test', 'strings', O), f('Interval', 'int', O), f('Timeout', 'int', O), f('StartPeriod', 'int', O), f('Retries', 'int', O)];
const V1_IMAGE: Field[] = [
  f('id', 'string', O), f('parent', 'string', O), f('comment', 'string', O), f('created', 'time'), f('container', 'string', O),
  f('container_config', 'config'), f('docker_version', 'string', O), f('author', 'string', O), f('config', 'configptr', O),
  f('architecture', 'string', O), f('variant', 'string', O), f('os', 'string', O), f('Size', 'int', O),
];
const DROPPED = ['id', 'parent', 'Size', 'parent_id', 'layer_id', 'throwaway'];

export interface V1Image {
  os: string;
  /** The parent layer's directory name; '' for a base layer. */
  parent: string;
  /** This layer's history entry, as Go encodes it. */
  history: string;
  /** The config's members before rootfs and history are added. */
  members: Map<string, Buffer | string>;
}

export function readV1Image(value: unknown, bytes: Buffer, what: string): V1Image {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter(`invalid archive: ${what} is not a JSON object`);
  const v1 = decodeStruct(V1_IMAGE, value, new Map(), what);
  const s = (k: string) => (v1.get(k) as string | undefined) ?? '';
  const cmd = ((v1.get('container_config') as Struct | undefined)?.get('Cmd') as string[] | null | undefined) ?? [];
  const history = [`"created":${goQuote(s('created') || GO_ZERO_TIME)}`];
  if (s('author')) history.push(`"author":${goQuote(s('author'))}`);
  if (cmd.length) history.push(`"created_by":${goQuote(cmd.join(' '))}`);
  if (s('comment')) history.push(`"comment":${goQuote(s('comment'))}`);
  let members: Map<string, Buffer | string>;
  if (versionLess(s('docker_version'), '1.8.3')) {
    members = new Map(V1_IMAGE.filter((fl) => !omitted(fl, v1.get(fl.name))).map((fl) => [fl.name, encode(fl, v1.get(fl.name))]));
  } else {
    members = new Map([...objectMembers(bytes)!].map(([k, raw]) => [k, compact(raw)]));
  }
  for (const k of DROPPED) members.delete(k);
  return { os: s('os'), parent: s('parent'), history: `{${history.join(',')}}`, members };
}

/** The modern config of a layer whose chain has these diff ids and history entries. */
export function legacyConfig(v1: V1Image, diffIds: readonly string[], history: readonly string[]): Buffer {
  const members = new Map(v1.members);
  members.set('rootfs', `{"type":"layers","diff_ids":[${diffIds.map(goQuote).join(',')}]}`);
  members.set('history', `[${history.join(',')}]`);
  return goObject(members);
}

function decodeStruct(fields: Field[], value: unknown, into: Struct, path: string): Struct {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError(path, 'an object');
  for (const [key, v] of Object.entries(value)) {
    const fl = fields.find((x) => x.name === key) ?? fields.find((x) => x.name.toLowerCase() === key.toLowerCase());
    if (fl) decodeField(fl, v, into, `${path} ${fl.name}`);
  }
  return into;
}

function decodeField(fl: Field, v: unknown, into: Struct, path: string): void {
  const set = (x: unknown) => void into.set(fl.name, x);
  if (v === null) {
    // Go: null leaves a value as it was and makes a slice, map or pointer nil.
    if (['intptr', 'strings', 'strslice', 'set', 'labels', 'health', 'configptr'].includes(fl.kind)) set(null);
    return;
  }
  const nested = (fields: Field[]) => decodeStruct(fields, v, (into.get(fl.name) as Struct | null | undefined) ?? new Map(), path);
  switch (fl.kind) {
    case 'string': return set(typeof v === 'string' ? v : fail(path, 'a string'));
    case 'bool': return set(typeof v === 'boolean' ? v : fail(path, 'true or false'));
    case 'int':
    case 'intptr': return set(Number.isSafeInteger(v) ? v : fail(path, 'an integer'));
    case 'time': return set(goTime(typeof v === 'string' ? v : fail(path, 'a string'), path));
    case 'strings': return set(strings(v, path));
    case 'strslice': return set(typeof v === 'string' ? [v] : strings(v, path));
    case 'set': return set(mapOf(v, path, into.get(fl.name), (x, p) => (x === null || (typeof x === 'object' && !Array.isArray(x)) ? '{}' : fail(p, 'an object'))));
    case 'labels': return set(mapOf(v, path, into.get(fl.name), (x, p) => (x === null ? '' : typeof x === 'string' ? x : fail(p, 'a string'))));
    case 'health': return set(nested(HEALTH));
    case 'config':
    case 'configptr': return set(nested(CONFIG));
  }
}

function strings(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) return fail(path, 'a list of strings');
  return v.map((x) => (x === null ? '' : typeof x === 'string' ? x : fail(path, 'a list of strings')));
}

/** Go decodes an object into an existing map by adding to it. */
function mapOf(v: unknown, path: string, existing: unknown, value: (x: unknown, path: string) => string): Map<string, string> {
  if (typeof v !== 'object' || Array.isArray(v)) return fail(path, 'an object');
  const out = new Map((existing as Map<string, string> | null | undefined) ?? []);
  for (const [k, x] of Object.entries(v as object)) out.set(k, value(x, `${path} ${k}`));
  return out;
}

function omitted(fl: Field, v: unknown): boolean {
  if (!fl.omitEmpty) return false;
  if (fl.kind === 'intptr' || fl.kind === 'health' || fl.kind === 'configptr') return v === null || v === undefined;
  if (v instanceof Map || Array.isArray(v)) return (v instanceof Map ? v.size : v.length) === 0;
  return !v;
}

function encode(fl: Field, v: unknown): string {
  switch (fl.kind) {
    case 'string': return goQuote((v as string | undefined) ?? '');
    case 'bool': return String(v ?? false);
    case 'int':
    case 'intptr': return String(v ?? 0);
    case 'time': return goQuote((v as string | undefined) ?? GO_ZERO_TIME);
    case 'strings':
    case 'strslice': return v ? `[${(v as string[]).map(goQuote).join(',')}]` : 'null';
    case 'set':
    case 'labels': {
      if (!v) return 'null';
      const m = v as Map<string, string>;
      return `{${goSorted(m.keys()).map((k) => `${goQuote(k)}:${fl.kind === 'set' ? '{}' : goQuote(m.get(k)!)}`).join(',')}}`;
    }
    case 'health': return v ? encodeStruct(HEALTH, v as Struct) : 'null';
    case 'configptr': return v ? encodeStruct(CONFIG, v as Struct) : 'null';
    case 'config': return encodeStruct(CONFIG, (v as Struct | undefined) ?? new Map());
  }
}

function encodeStruct(fields: Field[], s: Struct): string {
  return `{${fields.filter((fl) => !omitted(fl, s.get(fl.name))).map((fl) => `${goQuote(fl.name)}:${encode(fl, s.get(fl.name))}`).join(',')}}`;
}

function typeError(path: string, want: string) {
  return invalidParameter(`invalid archive: ${path} must be ${want}`);
}

function fail(path: string, want: string): never {
  throw typeError(path, want);
}

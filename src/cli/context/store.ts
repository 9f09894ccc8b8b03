// docker's context store, read and written in docker's own layout so both CLIs share it:
//   $DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json
//   $DOCKER_CONFIG/contexts/tls/<sha256(name)>/<endpoint>/{ca,cert,key}.pem
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface DockerEndpointMeta {
  Host?: string;
  SkipTLSVerify: boolean;
}

export interface ContextMeta {
  Name: string;
  Metadata: { Description?: string; [key: string]: unknown };
  Endpoints: { docker?: DockerEndpointMeta; [key: string]: unknown };
}

export interface ContextTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** TLS files per endpoint, e.g. { docker: { 'ca.pem': <bytes> } }. */
export type ContextTlsData = Record<string, Record<string, Buffer>>;

export interface StorageInfo {
  MetadataPath: string;
  TLSPath: string;
}

export const NAME_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$';
const NAME_RE = new RegExp(NAME_PATTERN);

/** A context (or its metadata) that is not in the store; docker's errdefs.NotFound. */
export class ContextNotFoundError extends Error {
  override name = 'ContextNotFoundError';
}

export function contextId(name: string): string {
  // node:crypto at its use: only a named context needs it, and an import, even of the bundle's
  // lazy stand-in (scripts/bundle.mjs), costs every start the stand-in and a copy of its exports.
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(name).digest('hex');
}

export function validateContextName(name: string): void {
  if (name === '') throw new Error('context name cannot be empty');
  if (name === 'default') throw new Error('"default" is a reserved context name');
  if (!NAME_RE.test(name)) {
    throw new Error(`context name "${name}" is invalid, names are validated against regexp "${NAME_PATTERN}"`);
  }
}

export class ContextStore {
  readonly root: string;
  constructor(configDir: string) {
    this.root = join(configDir, 'contexts');
  }

  #metaDir(name: string): string {
    return join(this.root, 'meta', contextId(name));
  }
  #tlsContextDir(name: string): string {
    return join(this.root, 'tls', contextId(name));
  }
  #tlsDir(name: string, endpoint = 'docker'): string {
    return join(this.#tlsContextDir(name), endpoint);
  }

  exists(name: string): boolean {
    return existsSync(join(this.#metaDir(name), 'meta.json'));
  }

  /** docker's GetStorageInfo: where the context's files live (whether or not they exist). */
  storageInfo(name: string): StorageInfo {
    return { MetadataPath: this.#metaDir(name), TLSPath: this.#tlsContextDir(name) };
  }

  /** The context's metadata; errors are worded as docker words them. */
  get(name: string): ContextMeta {
    try {
      return readMeta(join(this.#metaDir(name), 'meta.json'));
    } catch (err) {
      const message = `context "${name}": ${(err as Error).message}`;
      throw err instanceof ContextNotFoundError ? new ContextNotFoundError(message) : new Error(message);
    }
  }

  /** All stored contexts, in docker's natural sort order. A broken meta.json fails the listing, as in docker. */
  list(): ContextMeta[] {
    const root = join(this.root, 'meta');
    const out: ContextMeta[] = [];
    for (const dir of metadataDirs(root)) {
      try {
        out.push(readMeta(join(root, dir, 'meta.json')));
      } catch (err) {
        if (err instanceof ContextNotFoundError) continue;
        throw new Error(`failed to read metadata: ${(err as Error).message}`);
      }
    }
    return out.sort((a, b) => naturalCompare(a.Name, b.Name));
  }

  /** The docker endpoint's TLS material, as the client needs it. */
  tls(name: string): ContextTls {
    const dir = this.#tlsDir(name);
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : undefined);
    const tls: ContextTls = {};
    const ca = read('ca.pem');
    const cert = read('cert.pem');
    const key = read('key.pem');
    if (ca) tls.ca = ca;
    if (cert) tls.cert = cert;
    if (key) {
      if (/ENCRYPTED/.test(key.toString('utf8'))) {
        throw new Error('private key is encrypted - support for encrypted private keys has been removed, see https://docs.docker.com/go/deprecated/');
      }
      tls.key = key;
    }
    return tls;
  }

  /** docker's ListTLSFiles: file names per endpoint directory. */
  tlsFiles(name: string): Record<string, string[]> {
    const dir = this.#tlsContextDir(name);
    const out: Record<string, string[]> = {};
    let endpoints;
    try {
      endpoints = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw new Error(`failed to list TLS files for context ${name}: ${(err as Error).message}`);
    }
    for (const ep of endpoints.sort((a, b) => cmp(a.name, b.name))) {
      if (!ep.isDirectory()) continue;
      let files;
      try {
        files = readdirSync(join(dir, ep.name), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new Error(`failed to list TLS files for endpoint ${ep.name}: ${(err as Error).message}`);
      }
      out[ep.name] = files.filter((f) => !f.isDirectory()).map((f) => f.name).sort(cmp);
    }
    return out;
  }

  /** All TLS files of the context, by endpoint. */
  tlsData(name: string): ContextTlsData {
    const out: ContextTlsData = {};
    for (const [ep, files] of Object.entries(this.tlsFiles(name))) {
      out[ep] = {};
      for (const f of files) out[ep][f] = readFileSync(join(this.#tlsDir(name, ep), f));
    }
    return out;
  }

  /**
   * Write meta.json atomically (docker's CreateOrUpdate). When `tls` is given it replaces the
   * docker endpoint's TLS files (docker's ResetEndpointTLSMaterial).
   */
  save(meta: ContextMeta, tls?: ContextTls): void {
    const dir = this.#metaDir(meta.Name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const tmp = join(dir, `.meta.json.${process.pid}`);
    writeFileSync(tmp, serializeMeta(meta), { mode: 0o644 });
    renameSync(tmp, join(dir, 'meta.json'));
    if (tls === undefined) return;
    const files: Record<string, Buffer> = {};
    if (tls.ca) files['ca.pem'] = tls.ca;
    if (tls.cert) files['cert.pem'] = tls.cert;
    if (tls.key) files['key.pem'] = tls.key;
    this.resetEndpointTls(meta.Name, 'docker', files);
  }

  /** docker's ResetEndpointTLSMaterial: the endpoint's TLS files become exactly `files`. */
  resetEndpointTls(name: string, endpoint: string, files: Record<string, Buffer> | undefined): void {
    rmSync(this.#tlsDir(name, endpoint), { recursive: true, force: true });
    for (const [f, data] of Object.entries(files ?? {})) this.#writeTls(name, endpoint, f, data);
  }

  /** docker's ResetTLSMaterial: all the context's TLS files become exactly `data`. */
  resetTls(name: string, data: ContextTlsData | undefined): void {
    rmSync(this.#tlsContextDir(name), { recursive: true, force: true });
    for (const [ep, files] of Object.entries(data ?? {})) {
      for (const [f, bytes] of Object.entries(files)) this.#writeTls(name, ep, f, bytes);
    }
  }

  #writeTls(name: string, endpoint: string, file: string, data: Buffer): void {
    mkdirSync(join(this.root, 'tls'), { recursive: true, mode: 0o700 });
    const dir = this.#tlsDir(name, endpoint);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${file}.${process.pid}`);
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, join(dir, file));
  }

  /** docker's Remove: the context's metadata and TLS files; removing what is not there is no error. */
  remove(name: string): void {
    rmSync(this.#metaDir(name), { recursive: true, force: true });
    rmSync(this.#tlsContextDir(name), { recursive: true, force: true });
  }

  /** Whether the context's metadata directory exists (docker's check before `context rm`). */
  hasMetadataDir(name: string): boolean {
    try {
      statSync(this.#metaDir(name));
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  }
}

function readMeta(file: string): ContextMeta {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new ContextNotFoundError(`context not found: open ${file}: no such file or directory`);
    throw new Error(`open ${file}: ${goErrno(e)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`parsing ${file}: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`parsing ${file}: json: cannot unmarshal ${jsonKind(raw)} into Go value of type store.untypedContextMetadata`);
  }
  return parseMeta(raw as Record<string, unknown>, file);
}

/** Parse meta.json content as docker does: top-level and endpoint keys case-insensitively. */
export function parseMeta(raw: Record<string, unknown>, where = 'meta.json'): ContextMeta {
  const metadata = pick(raw, 'Metadata') ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new Error(`parsing ${where}: json: cannot unmarshal ${jsonKind(metadata)} into Go value of type map[string]interface {}`);
  }
  const rawEndpoints = pick(raw, 'Endpoints') ?? {};
  if (typeof rawEndpoints !== 'object' || Array.isArray(rawEndpoints)) {
    throw new Error(`parsing ${where}: json: cannot unmarshal ${jsonKind(rawEndpoints)} into Go struct field untypedContextMetadata.endpoints of type map[string]json.RawMessage`);
  }
  const endpoints: ContextMeta['Endpoints'] = {};
  for (const [k, v] of Object.entries(rawEndpoints as Record<string, unknown>)) {
    if (k === 'docker' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const host = pick(v as Record<string, unknown>, 'Host');
      const ep: DockerEndpointMeta = { SkipTLSVerify: pick(v as Record<string, unknown>, 'SkipTLSVerify') === true };
      if (typeof host === 'string' && host !== '') ep.Host = host;
      endpoints.docker = { ...(ep.Host !== undefined && { Host: ep.Host }), SkipTLSVerify: ep.SkipTLSVerify };
    } else {
      endpoints[k] = v;
    }
  }
  const name = pick(raw, 'Name');
  return {
    Name: typeof name === 'string' ? name : '',
    Metadata: metadata as ContextMeta['Metadata'],
    Endpoints: endpoints,
  };
}

/** meta.json exactly as docker's json.Marshal writes it (field order, sorted maps, omitempty). */
export function serializeMeta(meta: ContextMeta): string {
  const out: Record<string, unknown> = {};
  if (meta.Name) out.Name = meta.Name;
  out.Metadata = sortKeys(Object.fromEntries(Object.entries(meta.Metadata).filter(([k, v]) => !(k === 'Description' && !v))));
  const endpoints: Record<string, unknown> = {};
  for (const k of Object.keys(meta.Endpoints).sort(cmp)) {
    const v = meta.Endpoints[k];
    if (k === 'docker' && v) {
      const d = v as DockerEndpointMeta;
      endpoints.docker = { ...(d.Host && { Host: d.Host }), SkipTLSVerify: d.SkipTLSVerify === true };
    } else {
      endpoints[k] = sortKeys(v);
    }
  }
  if (Object.keys(endpoints).length) out.Endpoints = endpoints;
  return goJson(out);
}

/** JSON.stringify with Go's HTML-safe escaping of <, > and &, and U+2028/U+2029. */
export function goJson(value: unknown, indent?: string): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go's encoding of maps sorts keys; nested plain objects are maps here. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).sort(cmp).map((k) => [k, sortKeys(o[k])]));
}

function pick(o: Record<string, unknown>, key: string): unknown {
  if (key in o) return o[key];
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : o[k];
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'object';
}

/** Like docker's listRecursivelyMetadataDirs: every directory (at any depth) holding a meta.json. */
function metadataDirs(root: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, prefix), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const rel = prefix ? join(prefix, e.name) : e.name;
    try {
      if (!statSync(join(root, rel, 'meta.json')).isDirectory()) out.push(rel);
    } catch {
      /* no meta.json here */
    }
    out.push(...metadataDirs(root, rel));
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** github.com/fvbommel/sortorder.NaturalLess as a comparator: digit runs compare numerically. */
export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  return naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0;
}

function naturalLess(s1: string, s2: string): boolean {
  const isDigit = (c: string) => c >= '0' && c <= '9';
  let i1 = 0;
  let i2 = 0;
  while (i1 < s1.length && i2 < s2.length) {
    const c1 = s1[i1];
    const c2 = s2[i2];
    const d1 = isDigit(c1);
    const d2 = isDigit(c2);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (c1 !== c2) return c1 < c2;
      i1++;
      i2++;
      continue;
    }
    while (i1 < s1.length && s1[i1] === '0') i1++;
    while (i2 < s2.length && s2[i2] === '0') i2++;
    const nz1 = i1;
    const nz2 = i2;
    while (i1 < s1.length && isDigit(s1[i1])) i1++;
    while (i2 < s2.length && isDigit(s2[i2])) i2++;
    const len1 = i1 - nz1;
    const len2 = i2 - nz2;
    if (len1 !== len2) return len1 < len2;
    const n1 = s1.slice(nz1, i1);
    const n2 = s2.slice(nz2, i2);
    if (n1 !== n2) return n1 < n2;
    if (nz1 !== nz2) return nz1 < nz2;
  }
  return s1.length < s2.length;
}

/** The text Go prints for an errno (its syscall.Errno strings), for docker-worded file errors. */
export function goErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EEXIST': return 'file exists';
    case 'EACCES': return 'permission denied';
    case 'EPERM': return 'operation not permitted';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'not a directory';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on device';
    default: return err.message;
  }
}

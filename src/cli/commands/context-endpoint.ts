// The `--docker` flag of `context create` / `context update`: pflag's stringToString parsing and
// docker's getDockerEndpoint (key check, `from=`, TLS files, the same host and TLS validation
// docker does by building a client), with docker's wording of every error.
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { DockerEndpointMeta } from '../context/store.ts';
import { goErrno } from '../context/store.ts';
import type { ContextsView } from './context-common.ts';

export const DOCKER_KEYS: [string, string][] = [
  ['from', "Copy named context's Docker endpoint configuration"],
  ['host', 'Docker endpoint on which to connect'],
  ['ca', 'Trust certs signed only by this CA'],
  ['cert', 'Path to TLS certificate file'],
  ['key', 'Path to TLS key file'],
  ['skip-tls-verify', 'Skip TLS certificate validation'],
];

/** The long help of create / update: docker's table of --docker keys and an example. */
export function endpointHelp(verb: 'Create' | 'Update'): string {
  const rows = [['NAME', 'DESCRIPTION'], ...DOCKER_KEYS].map(([k, d]) => `${k.padEnd(17)}   ${d}`.trimEnd());
  return (
    `${verb} a context\n\nDocker endpoint config:\n\n${rows.join('\n')}\n\nExample:\n\n` +
    `$ berth context ${verb.toLowerCase()} my-context --description "some description" --docker "host=tcp://myserver:2376,ca=~/ca-file,cert=~/cert-file,key=~/key-file"`
  );
}

export class FlagValueError extends Error {
  override name = 'FlagValueError';
}

/**
 * One occurrence of a stringToString flag, parsed as pflag does: a single `=` is one pair
 * (commas and all); otherwise the value is a CSV record of pairs. Later occurrences add keys.
 */
export function parseStringToString(value: string, previous?: Map<string, string>): Map<string, string> {
  const eqs = value.split('=').length - 1;
  let pairs: string[];
  if (eqs === 0) throw new FlagValueError(`${value} must be formatted as key=value`);
  if (eqs === 1) pairs = [value.replace(/^"+|"+$/g, '')];
  else pairs = csvRecord(value);
  const out = new Map(previous);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new FlagValueError(`${pair} must be formatted as key=value`);
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

/** The first record of Go's encoding/csv reader with its default settings. */
function csvRecord(line: string): string[] {
  line = line.replace(/\r?\n.*$/s, '');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new FlagValueError(`parse error on line 1, column ${line.length + 1}: extraneous or missing " in quoted-field`);
        field += line.slice(j, q);
        if (line[q + 1] === '"') {
          field += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      if (j < line.length && line[j] !== ',') throw new FlagValueError(`parse error on line 1, column ${j + 1}: extraneous or missing " in quoted-field`);
      fields.push(field);
      if (j >= line.length) return fields;
      i = j + 1;
    } else {
      const comma = line.indexOf(',', i);
      const field = comma < 0 ? line.slice(i) : line.slice(i, comma);
      const quote = field.indexOf('"');
      if (quote >= 0) throw new FlagValueError(`parse error on line 1, column ${i + quote + 1}: bare " in non-quoted-field`);
      fields.push(field);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

export interface DockerEndpointConfig {
  meta: DockerEndpointMeta;
  /** TLS files for the docker endpoint; undefined when none were given. */
  tls: Record<string, Buffer> | undefined;
}

/** docker's getDockerEndpoint; errors are to be prefixed "unable to create docker endpoint config: ". */
export function dockerEndpointFromConfig(view: ContextsView, config: Map<string, string>): DockerEndpointConfig {
  const unknown = [...config.keys()].filter((k) => !DOCKER_KEYS.some(([name]) => name === k));
  if (unknown.length) throw new Error(unknown.map((k) => `unrecognized config key: ${k}`).join('\n'));
  const from = config.get('from');
  if (from !== undefined) {
    const meta = view.get(from);
    const docker = meta.Endpoints.docker;
    if (!docker) throw new Error(`unable to get endpoint from context "${from}"`);
    return { meta: { ...(docker.Host && { Host: docker.Host }), SkipTLSVerify: docker.SkipTLSVerify }, tls: undefined };
  }
  const tls = tlsFromFiles(config.get('ca'), config.get('cert'), config.get('key'));
  const skip = parseBool(config, 'skip-tls-verify');
  const host = config.get('host') ?? '';
  validateEndpoint(host, tls, skip);
  return { meta: { ...(host && { Host: host }), SkipTLSVerify: skip }, tls };
}

function tlsFromFiles(ca?: string, cert?: string, key?: string): Record<string, Buffer> | undefined {
  const read = (path: string | undefined): Buffer | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`open ${path}: ${goErrno(err as NodeJS.ErrnoException)}`);
    }
  };
  const files: Record<string, Buffer> = {};
  const c = read(ca);
  const ce = read(cert);
  const k = read(key);
  if (c) files['ca.pem'] = c;
  if (ce) files['cert.pem'] = ce;
  if (k) files['key.pem'] = k;
  return Object.keys(files).length ? files : undefined;
}

/** strconv.ParseBool, worded as docker's options.go does. */
function parseBool(config: Map<string, string>, name: string): boolean {
  const v = config.get(name);
  if (v === undefined) return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new Error(`${name}: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/**
 * What docker checks by building (and discarding) a client for the endpoint: the host parses
 * as a URL, ssh URLs are usable, TLS material is valid for a TLS-capable host, and the client
 * accepts the address.
 */
export function validateEndpoint(host: string, tls: Record<string, Buffer> | undefined, skipTlsVerify: boolean): void {
  if (host === '') return;
  let url: GoUrl;
  try {
    url = goParseUrl(host);
  } catch (err) {
    throw new Error(`invalid docker endpoint options: ${(err as Error).message}`);
  }
  if (url.scheme === 'ssh') {
    const why = sshSpecError(url);
    if (why) throw new Error(`invalid docker endpoint options: ssh host connection is not valid: invalid SSH URL: ${why}`);
    return;
  }
  const proto = host.includes('://') ? host.slice(0, host.indexOf('://')) : '';
  if (!['unix', 'npipe', 'fd'].includes(proto) && (tls || skipTlsVerify)) {
    try {
      checkTls(tls);
    } catch (err) {
      throw new Error(`invalid docker endpoint options: ${(err as Error).message}`);
    }
  }
  const addr = host.includes('://') ? host.slice(host.indexOf('://') + 3) : '';
  if (!host.includes('://') || addr === '') {
    throw new Error(`unable to apply docker endpoint options: unable to parse docker host \`${host}\``);
  }
  if (proto === 'npipe') throw new Error('unable to apply docker endpoint options: protocol not available');
}

function checkTls(tls: Record<string, Buffer> | undefined): void {
  const ca = tls?.['ca.pem'];
  const cert = tls?.['cert.pem'];
  const key = tls?.['key.pem'];
  if (ca && !pemBlocks(ca, 'CERTIFICATE').some(parsesAsCert)) {
    throw new Error('failed to retrieve context tls info: ca.pem seems invalid');
  }
  if (key && cert) {
    const text = key.toString('latin1');
    if (!/-----BEGIN [^-]+-----/.test(text)) throw new Error('no valid private key found');
    if (/Proc-Type:\s*4,ENCRYPTED/.test(text)) {
      throw new Error('private key is encrypted - support for encrypted private keys has been removed, see https://docs.docker.com/go/deprecated/');
    }
    const certs = pemBlocks(cert, 'CERTIFICATE');
    if (certs.length === 0) throw new Error('failed to retrieve context tls info: tls: failed to find any PEM data in certificate input');
    let x509: X509Certificate;
    let priv: KeyObject;
    try {
      x509 = new X509Certificate(certs[0]);
    } catch (err) {
      throw new Error(`failed to retrieve context tls info: x509: ${(err as Error).message}`);
    }
    try {
      priv = createPrivateKey(key);
    } catch {
      throw new Error('failed to retrieve context tls info: tls: failed to parse private key');
    }
    if (!x509.checkPrivateKey(priv)) throw new Error('failed to retrieve context tls info: tls: private key does not match public key');
  }
}

function pemBlocks(data: Buffer, type: string): string[] {
  const re = new RegExp(`-----BEGIN ${type}-----[\\s\\S]*?-----END ${type}-----`, 'g');
  return data.toString('latin1').match(re) ?? [];
}

function parsesAsCert(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

export interface GoUrl {
  scheme: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
  opaque: string;
}

/** Enough of Go's url.Parse to accept and refuse what it does, with its error text. */
export function goParseUrl(raw: string): GoUrl {
  const fail = (msg: string): never => {
    throw new Error(`parse ${JSON.stringify(raw)}: ${msg}`);
  };
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  if (/[\x00-\x1f\x7f]/.test(rest)) fail('net/url: invalid control character in URL');
  const u: GoUrl = { scheme: '', host: '', path: '', rawQuery: '', fragment, opaque: '' };
  if (rest === '') return u;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) fail('missing protocol scheme');
      u.scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else if (rest.includes('?')) {
    u.rawQuery = rest.slice(rest.indexOf('?') + 1);
    rest = rest.slice(0, rest.indexOf('?'));
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const seg = rest.split('/')[0];
    if (seg.includes(':')) fail('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    rest = slash >= 0 ? authority.slice(slash) : '';
    if (slash >= 0) authority = authority.slice(0, slash);
    const at = authority.lastIndexOf('@');
    let hostPart = authority;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) fail('net/url: invalid userinfo');
      const colon = userinfo.indexOf(':');
      u.user = colon >= 0 ? { username: userinfo.slice(0, colon), password: userinfo.slice(colon + 1) } : { username: userinfo };
      hostPart = authority.slice(at + 1);
    }
    if (hostPart.startsWith('[')) {
      const close = hostPart.lastIndexOf(']');
      if (close < 0) fail("missing ']' in host");
      const port = hostPart.slice(close + 1);
      if (!validOptionalPort(port)) fail(`invalid port ${JSON.stringify(port)} after host`);
    } else {
      const colon = hostPart.lastIndexOf(':');
      if (colon >= 0 && !validOptionalPort(hostPart.slice(colon))) fail(`invalid port ${JSON.stringify(hostPart.slice(colon))} after host`);
    }
    u.host = hostPart;
  }
  u.path = rest;
  return u;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

/** docker's ssh.NewSpec checks, as the reason after "invalid SSH URL: ". */
function sshSpecError(u: GoUrl): string | undefined {
  if (u.user?.password !== undefined) return 'plain-text password is not supported';
  if (hostname(u.host) === '') return 'hostname is empty';
  if (u.rawQuery !== '') return `query parameters are not allowed: ${JSON.stringify(u.rawQuery)}`;
  if (u.fragment !== '') return `fragments are not allowed: ${JSON.stringify(u.fragment)}`;
  return undefined;
}

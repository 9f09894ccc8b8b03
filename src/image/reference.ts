// Image references as docker parses and normalises them:
//   busybox                 → docker.io/library/busybox:latest
//   127.0.0.1:5000/app:v1   → registry 127.0.0.1:5000, path app, tag v1
//   repo@sha256:<hex>       → a digest reference
// "Familiar" names drop docker.io/ and library/ again for display.
import { invalidParameter } from '../api/types/errors.ts';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::\d+)?$/;

export interface Reference {
  /** Registry host[:port], e.g. docker.io or 127.0.0.1:5000 */
  domain: string;
  /** Repository path within the registry, e.g. library/busybox */
  path: string;
  tag?: string;
  digest?: string;
}

export function parseReference(raw: string): Reference {
  const fail = (why: string) => invalidParameter(`invalid reference format: ${why}`);
  if (raw === '' || raw.length > 255 + 128 + 72) throw fail(raw === '' ? 'repository name must have at least one component' : 'name too long');
  if (raw !== raw.trim()) throw fail('leading or trailing whitespace');
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw fail(`invalid digest "${digest}"`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw fail(`invalid tag "${tag}"`);
  }
  const { domain, path } = splitDomain(rest);
  if (!DOMAIN.test(domain)) throw fail(`invalid registry "${domain}"`);
  for (const part of path.split('/')) {
    if (!PATH_COMPONENT.test(part)) {
      throw fail(/[A-Z]/.test(part) ? 'repository name must be lowercase' : `invalid repository name "${path}"`);
    }
  }
  if (domain.length + 1 + path.length > 255) throw fail('repository name must not be more than 255 characters');
  return { domain, path, ...(tag && { tag }), ...(digest && { digest }) };
}

function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  let domain = DEFAULT_DOMAIN;
  let path = name;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    path = name.slice(slash + 1);
  }
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  return { domain, path };
}

/** Adds `:latest` when the reference has neither tag nor digest. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' };
}

/** docker.io/library/busybox */
export function repositoryName(ref: Pick<Reference, 'domain' | 'path'>): string {
  return `${ref.domain}/${ref.path}`;
}

/** busybox, user/app, 127.0.0.1:5000/app — as the docker CLI shows names. */
export function familiarName(ref: Pick<Reference, 'domain' | 'path'>): string {
  if (ref.domain !== DEFAULT_DOMAIN) return `${ref.domain}/${ref.path}`;
  return ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : ref.path;
}

/** Full string form: docker.io/library/busybox:latest or ...@sha256:... */
export function formatReference(ref: Reference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Familiar string form: busybox:latest */
export function familiarString(ref: Reference): string {
  return `${familiarName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

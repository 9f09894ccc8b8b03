// A policy: rules tried in order; the first whose `who` matches the client decides. A client no
// rule matches may do nothing. Limits are what a rule lets a container ask for; a rule that does
// not allow "all" gets the safe default for each limit it leaves out (no privileged, no added
// capabilities, no host namespaces, no bind mounts, no devices), because each of those alone is
// root on the host — a rule must say so to give it away. "all" is root: every class, no limits.
import type { RouteClass } from './route-classes.ts';
import type { Identity } from './identity.ts';

export interface CertificateMatch {
  cn?: string;
  o?: string;
  ou?: string;
  san?: string;
}

export interface Who {
  anyone: boolean;
  /** uids (names are resolved when the policy is read). */
  users: number[];
  /** gids: the peer's primary or any supplementary group. */
  groups: number[];
  /** Listen addresses as berthd names them (unix:///path, tcp://host:port). */
  sockets: string[];
  certificates: CertificateMatch[];
}

export interface Limits {
  privileged: boolean;
  /** Capabilities CapAdd may name (upper case, no CAP_ prefix). */
  capabilities: string[];
  hostNamespaces: boolean;
  /** Host directories a bind mount's source must be under (after symlinks are resolved). */
  bindPaths: string[];
  /** Host device paths HostConfig.Devices may name. */
  devices: string[];
  /** Image patterns (`docker.io/library/*`, `registry.local:5000/ci/app`); empty: any image. */
  images: string[];
  /** Labels a container must carry; "*" accepts any value. */
  labels: Record<string, string>;
  /** Ceilings; undefined: none. A container that asks for no limit exceeds a ceiling. */
  memory?: number;
  nanoCpus?: number;
  pids?: number;
}

export interface Rule {
  name: string;
  /** Where the rule starts in its file, for messages. */
  line: number;
  who: Who;
  /** "all" or the classes (read-only is implied by any class). */
  all: boolean;
  classes: ReadonlySet<RouteClass>;
  limits: Limits;
}

/** The policy's "audit" object; absent, the defaults (the daemon's data-root, 10m × 3). */
export interface AuditPolicy {
  /** undefined: <data-root>/authz/audit.log. */
  file?: string;
  allRequests: boolean;
  maxSize: number;
  maxFile: number;
}

export interface Policy {
  file: string;
  rules: Rule[];
  audit: AuditPolicy;
}

export function ruleMatches(who: Who, id: Identity): boolean {
  if (who.anyone) return true;
  const conditions: boolean[] = [];
  if (who.users.length) conditions.push(id.peer !== undefined && who.users.includes(id.peer.uid));
  if (who.groups.length) conditions.push(id.peer !== undefined && id.peer.gids.some((g) => who.groups.includes(g)));
  if (who.sockets.length) conditions.push(who.sockets.includes(id.socket));
  if (who.certificates.length) conditions.push(who.certificates.some((c) => certificateMatches(c, id)));
  // Every condition the rule names must hold; a rule that names none was refused when read.
  return conditions.length > 0 && conditions.every(Boolean);
}

function certificateMatches(m: CertificateMatch, id: Identity): boolean {
  const cert = id.certificate;
  if (!cert) return false;
  return (m.cn === undefined || cert.cn === m.cn) && (m.o === undefined || cert.o.includes(m.o)) &&
    (m.ou === undefined || cert.ou.includes(m.ou)) && (m.san === undefined || cert.sans.includes(m.san));
}

export function firstMatch(policy: Policy, id: Identity): Rule | undefined {
  return policy.rules.find((r) => ruleMatches(r.who, id));
}

export function allowsClass(rule: Rule, cls: RouteClass): boolean {
  return rule.all || cls === 'read-only' || rule.classes.has(cls);
}

/** "rule "ci" (line 12 of /etc/berth/authz.json)": how a denial names the rule that made it. */
export function ruleLabel(rule: Rule, policy: Policy): string {
  return `rule "${rule.name}" (line ${rule.line} of ${policy.file})`;
}

/** The first rule that names unix users or groups: it needs the peer credentials of unix
 * sockets, without which it could never match and a later, wider rule would decide instead. */
export function ruleNamingPeers(policy: Policy): Rule | undefined {
  return policy.rules.find((r) => r.who.users.length > 0 || r.who.groups.length > 0);
}

// One audit line: who (identity), where (socket), what (route, path, object), the decision and
// the rule that made it, and how it ended (status, milliseconds).
import type { Identity } from './identity.ts';
import type { RouteClass } from './route-classes.ts';

export interface AuditEntry {
  time: string;
  socket: string;
  uid?: number;
  /** The uid's name on berthd's host when the line was written (absent: it has none). */
  user?: string;
  gids?: number[];
  pid?: number;
  certificate?: { cn?: string; o: string[]; ou: string[] };
  method: string;
  route: string;
  path: string;
  object?: string;
  /** The container a request about another object acts on (network connect/disconnect, an
   * exec's start, a commit): the line names both. */
  container?: string;
  class: RouteClass | null;
  decision: 'allow' | 'deny';
  rule: string | null;
  reason?: string;
  status?: number;
  ms?: number;
}

/** The object a request is about: the route's id or name, else what it names in its query. */
export function objectOf(params: Record<string, string>, query: URLSearchParams): string | undefined {
  return params.id ?? params.name ?? params['*'] ?? query.get('name') ?? query.get('fromImage') ?? query.get('repo') ?? query.get('t') ?? undefined;
}

export function startEntry(id: Identity, r: { method: string; route: string; path: string; object: string | undefined; cls: RouteClass | undefined }): AuditEntry {
  return {
    time: new Date().toISOString(),
    socket: id.socket,
    ...(id.peer && { uid: id.peer.uid, gids: id.peer.gids, pid: id.peer.pid }),
    ...(id.certificate && { certificate: { ...(id.certificate.cn !== undefined && { cn: id.certificate.cn }), o: id.certificate.o, ou: id.certificate.ou } }),
    method: r.method,
    route: r.route,
    path: r.path,
    ...(r.object !== undefined && { object: r.object }),
    class: r.cls ?? null,
    decision: 'allow',
    rule: null,
  };
}

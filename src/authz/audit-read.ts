// Reading the audit log back (GET /berth/audit, `berth system audit`): the rotated files oldest
// first, then the current one, each line parsed and kept when it is within since/until and
// matches every filter (several values of one filter: any of them).
//
// The files are opened before any is read, in one synchronous loop: the writer rotates by
// renames, and a descriptor follows its file through a rename, so the lines read are the files'
// as they were at that moment — none read twice, none skipped — whatever rotation happens while
// the answer streams. (A rotation half done when they are opened leaves a gap in the suffixes,
// never two files with the same lines.)
import { closeSync, createReadStream, fstatSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { invalidParameter } from '../api/types/errors.ts';
import type { Filters } from '../api/query.ts';
import type { AuditEntry } from './audit-entry.ts';
import type { UnixNames } from './unix-names.ts';

export const AUDIT_FILTERS = ['user', 'group', 'cn', 'socket', 'method', 'route', 'object', 'container', 'class', 'decision', 'rule', 'status'] as const;

export interface AuditFile {
  fd: number;
  /** Its length when opened: lines appended later are a follower's (audit-log.ts snapshot). */
  size: number;
}

/** The log's files, oldest first, opened (descriptors the caller's iteration closes). */
export function openAuditFiles(file: string, maxFile: number): AuditFile[] {
  const files: AuditFile[] = [];
  for (let i = maxFile - 1; i >= 0; i--) {
    let fd: number | undefined;
    try {
      fd = openSync(i ? `${file}.${i}` : file, 'r');
      files.push({ fd, size: fstatSync(fd).size });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      if (fd !== undefined && files.at(-1)?.fd !== fd) closeSync(fd);
      for (const f of files) closeSync(f.fd); // the caller gets none to close
      throw err;
    }
  }
  return files;
}

/** Every parsed line of the opened files, in order; a line that is no JSON object (a disk that
 * filled in the middle of one) is passed over. Closes the descriptors. */
export async function* auditLines(files: AuditFile[]): AsyncGenerator<Record<string, unknown>> {
  try {
    for (const { fd, size } of files) {
      if (size === 0) continue;
      const input = createReadStream('', { fd, autoClose: false, start: 0, end: size - 1 });
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        const entry = parseLine(line);
        if (entry) yield entry;
      }
    }
  } finally {
    for (const { fd } of files) closeSync(fd);
  }
}

export function parseLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface AuditQuery {
  sinceMs?: number;
  untilMs?: number;
  filters: Filters;
}

/** A predicate for the lines a query keeps. Names (users, groups) are resolved with the
 * daemon's host's names, which are the ones the uids in the log are of. */
export function auditMatcher(q: AuditQuery, names: () => UnixNames): (line: Record<string, unknown>) => boolean {
  const tests = [...q.filters].map(([key, values]) => {
    const one = valueTest(key, values, names);
    return (e: Partial<AuditEntry>) => values.some((v) => one(e, v));
  });
  return (line) => {
    const ms = typeof line.time === 'string' ? Date.parse(line.time) : NaN;
    if (q.sinceMs !== undefined && !(ms >= q.sinceMs)) return false;
    if (q.untilMs !== undefined && !(ms <= q.untilMs)) return false;
    return tests.every((t) => t(line as Partial<AuditEntry>));
  };
}

type ValueTest = (e: Partial<AuditEntry>, v: string) => boolean;

function valueTest(key: string, values: string[], names: () => UnixNames): ValueTest {
  const id = (map: 'users' | 'groups', v: string) => (/^\d+$/.test(v) ? Number(v) : names()[map].get(v));
  switch (key) {
    case 'user': return (e, v) => e.uid !== undefined && e.uid === id('users', v);
    case 'group': return (e, v) => (e.gids ?? []).some((g) => g === id('groups', v));
    case 'cn': return (e, v) => e.certificate?.cn === v;
    // "POST /containers/create" or "/containers/create": the route as registered.
    case 'route': return (e, v) => e.route === v || e.route?.slice(e.route.indexOf(' ') + 1) === v;
    case 'method': return (e, v) => e.method === v.toUpperCase();
    case 'status': {
      const bad = values.find((v) => !/^[1-5](\d\d|xx)$/i.test(v));
      if (bad !== undefined) throw invalidParameter(`invalid status filter "${bad}": expected a status code (403) or a class of them (4xx)`);
      return (e, v) => e.status !== undefined && (/xx$/i.test(v) ? String(e.status)[0] === v[0] : e.status === Number(v));
    }
    case 'decision': {
      const bad = values.find((v) => v !== 'allow' && v !== 'deny');
      if (bad !== undefined) throw invalidParameter(`invalid decision filter "${bad}": expected allow or deny`);
      return (e, v) => e.decision === v;
    }
    default: return (e, v) => String((e as Record<string, unknown>)[key] ?? '') === v; // socket, object, container, class, rule
  }
}

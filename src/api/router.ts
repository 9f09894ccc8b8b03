// The API's route table: method + path segments, each static, `:param` or a final `*`.
// It replaces find-my-way, whose registration compiles ~300 functions with `new Function` at
// every start (no code cache covers them): ~20-30 ms of CPU before berthd could listen (issue 12).
// It answers as find-my-way did with { ignoreTrailingSlash, caseSensitive } (router.test.ts
// compares the two on odd paths): one trailing slash ignored; a static segment is tried before a
// parameter, a parameter before a wildcard, backtracking when the rest does not match; values are
// percent-decoded (%2F inside a value is a slash in it, never a separator); a malformed escape
// anywhere finds nothing (404 page not found). Unlike find-my-way (100 characters at most) a
// value has no length limit, as in dockerd: a volume or container may have a longer name, and
// berthd created them but answered `page not found` to inspecting or removing them. Node's
// header limit (16 KiB) bounds the request line.
import type { Route } from './route.ts';

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** The route registered for one method at a node, with its parameters' names in order. */
interface Leaf {
  route: Route;
  names: string[];
}

class Node {
  readonly statics = new Map<string, Node>();
  param: Node | undefined;
  /** Routes ending in `*`, by method: the value is the rest of the path. */
  readonly wildcards = new Map<string, Leaf>();
  readonly leaves = new Map<string, Leaf>();
}

export class Router {
  readonly #root = new Node();

  add(route: Route): void {
    const segments = trimSlash(route.path).slice(1).split('/');
    const names: string[] = [];
    let node = this.#root;
    for (const [i, segment] of segments.entries()) {
      if (segment === '*') {
        if (i !== segments.length - 1) throw new Error(`${route.path}: * must be the last segment`);
        names.push('*');
        return void node.wildcards.set(route.method, { route, names });
      }
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        node = node.param ??= new Node();
      } else {
        const next = node.statics.get(segment) ?? new Node();
        node.statics.set(segment, next);
        node = next;
      }
    }
    node.leaves.set(route.method, { route, names });
  }

  find(method: string, pathname: string): RouteMatch | null {
    if (!pathname.startsWith('/')) return null;
    const segments = trimSlash(pathname).slice(1).split('/');
    let decoded: string[];
    try {
      decoded = segments.map((s) => (s.includes('%') ? decodeURIComponent(s) : s));
    } catch {
      return null;
    }
    const values: string[] = [];
    const found = walk(this.#root, decoded, 0, method, values);
    if (!found) return null;
    const params: Record<string, string> = {};
    found.names.forEach((name, i) => (params[name] = values[i]!));
    return { route: found.route, params };
  }
}

/** Depth first, static before parameter before wildcard; `values` holds the matched values. */
function walk(node: Node, segments: string[], i: number, method: string, values: string[]): Leaf | undefined {
  if (i === segments.length) return node.leaves.get(method);
  const segment = segments[i]!;
  const next = node.statics.get(segment);
  const viaStatic = next && walk(next, segments, i + 1, method, values);
  if (viaStatic) return viaStatic;
  if (node.param) {
    values.push(segment);
    const viaParam = walk(node.param, segments, i + 1, method, values);
    if (viaParam) return viaParam;
    values.pop();
  }
  const wildcard = node.wildcards.get(method);
  if (wildcard) values.push(segments.slice(i).join('/'));
  return wildcard;
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

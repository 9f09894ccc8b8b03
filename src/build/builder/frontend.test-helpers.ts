// A small Frontend for the builder's unit tests, standing in for the real parser and context
// (written in src/build/dockerfile and src/build/context, tested there): one instruction per
// line, words split on blanks ("..." kept together), $V ${V} ${V:-d} expansion, sources as
// plain paths. Enough to drive dispatch, cache and stages; not a Dockerfile parser.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { invalidParameter, unavailable } from '../../api/types/errors.ts';
import type { FsView } from '../../image/copy/fs-view.ts';
import type { SourceEntry } from '../context/types.ts';
import { DockerfileError, type Instruction, type ParsedDockerfile, type Stage } from '../dockerfile/types.ts';
import type { Frontend } from './frontend.ts';

const words = (s: string): string[] => (s.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"(.*)"$/, '$1'));
const command = (rest: string) => (rest.startsWith('[') ? { form: 'exec' as const, argv: JSON.parse(rest) as string[] } : { form: 'shell' as const, script: rest });

function flags(rest: string): [Record<string, string>, string] {
  const f: Record<string, string> = {};
  let m;
  while ((m = /^--(\w+)=(\S+)\s*/.exec(rest))) {
    f[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  return [f, rest];
}

function instruction(text: string, line: number): Instruction {
  const at = { line, text };
  const [kw, ...restParts] = text.split(/\s+/);
  const [f, rest] = flags(text.slice(kw!.length).trim());
  const pairs = () => words(rest).map((w) => w.split('=', 2) as [string, string]);
  switch (kw!.toUpperCase()) {
    case 'RUN': return { kind: 'RUN', at, command: command(rest), network: f.network };
    case 'CMD': case 'ENTRYPOINT': return { kind: kw!.toUpperCase() as 'CMD', at, command: command(rest) };
    case 'SHELL': return { kind: 'SHELL', at, shell: JSON.parse(rest) };
    case 'ENV': case 'LABEL': return { kind: kw!.toUpperCase() as 'ENV', at, pairs: pairs() };
    case 'ARG': return { kind: 'ARG', at, args: pairs().map(([name, d]) => ({ name, default: d })) };
    case 'EXPOSE': return { kind: 'EXPOSE', at, ports: words(rest) };
    case 'VOLUME': return { kind: 'VOLUME', at, paths: words(rest) };
    case 'USER': case 'WORKDIR': case 'STOPSIGNAL': case 'MAINTAINER': return { kind: kw!.toUpperCase() as 'USER', at, value: rest };
    case 'ONBUILD': return { kind: 'ONBUILD', at, trigger: rest };
    case 'HEALTHCHECK': return rest === 'NONE' ? { kind: 'HEALTHCHECK', at, none: true } : { kind: 'HEALTHCHECK', at, none: false, test: command(rest.replace(/^CMD\s+/, '')), interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: Number(f.retries ?? 0) };
    case 'COPY': case 'ADD': {
      const w = words(rest);
      return { kind: kw!.toUpperCase() as 'COPY', at, sources: w.slice(0, -1), dest: w.at(-1)!, from: f.from, chown: f.chown, chmod: f.chmod, heredocs: [] };
    }
  }
  throw new DockerfileError(`unknown instruction: ${kw} ${restParts.length}`, line);
}

export function parse(text: string): ParsedDockerfile {
  const parsed: ParsedDockerfile = { directives: { escape: '\\' }, metaArgs: [], stages: [] };
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^FROM\s+(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(t);
    if (m) parsed.stages.push({ index: parsed.stages.length, name: m[3]?.toLowerCase(), from: { at: { line: i + 1, text: t }, image: m[2]!, platform: m[1] }, instructions: [] });
    else if (parsed.stages.length === 0) {
      const arg = instruction(t, i + 1) as Extract<Instruction, { kind: 'ARG' }>;
      parsed.metaArgs.push({ at: arg.at, name: arg.args[0]!.name, default: arg.args[0]!.default });
    } else parsed.stages.at(-1)!.instructions.push(instruction(t, i + 1));
  });
  return parsed;
}

export function expand(word: string, env: ReadonlyMap<string, string>): string {
  return word.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_, a: string | undefined, d: string | undefined, b: string | undefined) => env.get(a ?? b!) ?? d ?? '');
}

/** The target and what it needs (FROM <stage>, COPY --from), as one group. */
function needed(parsed: ParsedDockerfile, target: string | undefined, resolveFrom: (s: Stage) => string): Stage[][] {
  const byRef = (ref: string, before: number) => parsed.stages.find((s) => s.index < before && (s.name === ref.toLowerCase() || String(s.index) === ref));
  const last = target === undefined ? parsed.stages.at(-1) : parsed.stages.find((s) => s.name === target);
  if (!last) throw new DockerfileError(`failed to reach build target ${target} in Dockerfile`);
  const set = new Set<Stage>();
  const visit = (s: Stage) => {
    if (set.has(s)) return;
    set.add(s);
    const refs = [resolveFrom(s), ...s.instructions.flatMap((i) => (i.kind === 'COPY' && i.from ? [i.from] : []))];
    for (const r of refs) {
      const dep = byRef(r, s.index);
      if (dep) visit(dep);
    }
  };
  visit(last);
  return [[...set].sort((a, b) => a.index - b.index)];
}

async function* walk(view: FsView, path: string): AsyncGenerator<[string, boolean]> {
  const st = await lstat(view.hostOf(path));
  yield [path, st.isDirectory()];
  if (st.isDirectory()) for (const n of (await readdir(view.hostOf(path))).sort()) yield* walk(view, posix.join(path, n));
}

export const testFrontend: Frontend = {
  parseDockerfile: parse,
  parseTrigger: (text) => instruction(text, 0),
  expandWord: expand,
  expandWords: (w, env) => expand(w, env).split(/\s+/).filter(Boolean),
  expandHeredoc: expand,
  neededStages: needed,
  async matchSources(root, patterns) {
    const out: SourceEntry[] = [];
    for (const p of patterns) {
      const path = posix.join('/', p);
      const st = await lstat(root.hostOf(path)).catch(() => undefined);
      if (!st) throw invalidParameter(`file not found in build context or excluded by .dockerignore: stat ${p}: file does not exist`);
      out.push({ pattern: p, path, isDir: st.isDirectory() });
    }
    return out;
  },
  async sourcesChecksum(root, entries) {
    const h = createHash('sha256');
    for (const e of entries) for await (const [p, dir] of walk(root, e.path)) h.update(`${p}\0${dir ? '' : await readFile(root.hostOf(p))}\0`);
    return `sha256:${h.digest('hex')}`;
  },
  copyTar: (root, entries, o) => () => {
    const p = pack();
    void (async () => {
      for (const e of entries) {
        for await (const [path, dir] of walk(root, e.path)) {
          const rel = e.isDir ? posix.relative(e.path, path) : posix.basename(path);
          const name = e.isDir || o.destIsDir ? posix.join(o.dest, rel) : o.dest;
          const h = { name: name.slice(1), mode: o.mode ?? (dir ? 0o755 : 0o644), uid: o.owner?.uid ?? 0, gid: o.owner?.gid ?? 0 };
          if (dir) p.entry({ ...h, type: 'directory' });
          else p.entry(h, await readFile(root.hostOf(path)));
        }
      }
      p.finalize();
    })().catch((err: unknown) => p.destroy(err as Error));
    return p as unknown as Readable;
  },
  fetchUrl: async () => {
    throw unavailable('the unit tests make no downloads (ADD <url> is tested with the real context)');
  },
  inlineSource: async () => {
    throw unavailable('heredocs are tested with the real parser and context');
  },
};

// What berthd keeps between two heap snapshots of a soak (main.ts --heap-snapshots): objects
// counted by constructor (and code by kind), and the strings that name what the soak made and
// removed — 64-hex ids (containers, execs, networks; images with sha256:) and soak-N-M names (each round's
// objects have their own). A map, set or listener that keeps one entry per container or operation
// shows as such strings growing with the operations, and their retainers say which structure.
//   node dist/soak/heap-diff.js A.heapsnapshot B.heapsnapshot [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapCensus {
  /** "type:name" → [count, self bytes]. */
  groups: Map<string, [number, number]>;
  /** Distinct soak-made names and ids among the heap's strings. */
  ids: Set<string>;
  names: Set<string>;
  /** "grandparent ← parent" → how many of those strings it holds. */
  retainers: Map<string, number>;
}

const ID = /^(sha256:)?[0-9a-f]{64}$/;
const SOAK_NAME = /soak-\d+-\d+/;

/** Counts a snapshot's nodes by type and name, and finds who holds the soak's ids and names. */
export function census(file: string): HeapCensus {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { node_fields: nf, node_types: [types], edge_fields: ef, edge_types: [edgeTypes] } = s.snapshot.meta;
  const NF = nf.length;
  const EF = ef.length;
  const [T, N, SIZE, EC] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [ET, EN, TO] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [number, number, number];
  const groups = new Map<string, [number, number]>();
  const ids = new Set<string>();
  const names = new Set<string>();
  const label = (i: number) => {
    const type = types[s.nodes[i + T]!]!;
    const name = s.strings[s.nodes[i + N]!]!;
    return type.includes('string') ? type : `${type}:${name.slice(0, 60)}`;
  };
  const marked = new Set<number>();
  for (let i = 0; i < s.nodes.length; i += NF) {
    const key = label(i);
    const g = groups.get(key) ?? [0, 0];
    g[0]++;
    g[1] += s.nodes[i + SIZE]!;
    groups.set(key, g);
    if (!key.includes('string')) continue;
    const text = s.strings[s.nodes[i + N]!]!;
    if (ID.test(text)) ids.add(text), marked.add(i);
    else if (SOAK_NAME.test(text) && text.length < 200) names.add(text.match(SOAK_NAME)![0]), marked.add(i);
  }
  // Two passes over the edges: the parents of the marked strings, then theirs.
  const parentOf = (targets: Set<number>) => {
    const via = new Map<number, string>();
    const parent = new Map<number, number>();
    let e = 0;
    for (let i = 0; i < s.nodes.length; i += NF) {
      for (let k = 0; k < s.nodes[i + EC]!; k++, e += EF) {
        const to = s.edges[e + TO]!;
        if (!targets.has(to) || via.has(to)) continue;
        const et = edgeTypes[s.edges[e + ET]!]!;
        via.set(to, `${label(i)} .${et === 'element' || et === 'hidden' ? et : `${et} ${s.strings[s.edges[e + EN]!]}`}`);
        parent.set(to, i);
      }
    }
    return { via, parent };
  };
  const first = parentOf(marked);
  const second = parentOf(new Set(first.parent.values()));
  const retainers = new Map<string, number>();
  for (const [str, via] of first.via) {
    const key = `${second.via.get(first.parent.get(str)!) ?? '(root)'} ← ${via}`;
    retainers.set(key, (retainers.get(key) ?? 0) + 1);
  }
  return { groups, ids, names, retainers };
}

function main(): void {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const [a, b] = positionals.map(census) as [HeapCensus, HeapCensus];
  const top = Number(values.top);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const keys = new Set([...a.groups.keys(), ...b.groups.keys()]);
  const rows = [...keys].map((k) => {
    const [ca, sa] = a.groups.get(k) ?? [0, 0];
    const [cb, sb] = b.groups.get(k) ?? [0, 0];
    return { k, ca, cb, dSize: sb - sa };
  });
  const total = (c: HeapCensus) => [...c.groups.values()].reduce((n, [, sz]) => n + sz, 0);
  say(`self size: ${(total(a) / 2 ** 20).toFixed(2)} → ${(total(b) / 2 ** 20).toFixed(2)} MiB`);
  say(`\ngrowth by self size (top ${top}):`);
  for (const r of rows.sort((x, y) => y.dSize - x.dSize).slice(0, top)) say(`  ${(r.dSize / 1024).toFixed(1).padStart(8)} kB  ${String(r.ca).padStart(6)} → ${String(r.cb).padStart(6)}  ${r.k}`);
  say(`\ngrowth by count (top ${top}):`);
  for (const r of rows.sort((x, y) => y.cb - y.ca - (x.cb - x.ca)).slice(0, top)) say(`  ${String(r.cb - r.ca).padStart(7)}  ${String(r.ca).padStart(6)} → ${String(r.cb).padStart(6)}  ${r.k}`);
  say(`\nsoak ids (64 hex) among the strings: ${a.ids.size} → ${b.ids.size} (${[...b.ids].filter((x) => a.ids.has(x)).length} in both); soak names: ${a.names.size} → ${b.names.size} (${[...b.names].filter((x) => a.names.has(x)).length} in both)`);
  for (const [label, c] of [['A', a], ['B', b]] as const) {
    say(`retainers of those strings in ${label}:`);
    for (const [k, n] of [...c.retainers].sort((x, y) => y[1] - x[1]).slice(0, top)) say(`  ${String(n).padStart(5)}  ${k}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();

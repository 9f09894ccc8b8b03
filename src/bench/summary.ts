// Pure helpers of the bench summary: the rows of SUMMARY_ROWS filled from the benches' JSON
// files (startup's `rows`, the others' `measures`), each with berthd's and dockerd's medians,
// their ratio and the goal judged; and the table and JSON of them.
import { formatTable } from './report.ts';
import { SUMMARY_ROWS, type BenchKind, type Goal, type RowSpec } from './summary-goals.ts';

/** One engine pair's figures for one key of a results file. */
export interface Found {
  unit: string;
  berthd?: number;
  dockerd?: number;
  /** What the file itself judged (its own goal), and why a figure is missing. */
  met?: boolean | null;
  error?: string;
}

export interface SummaryRow {
  key: string;
  label: string;
  unit: string;
  berthd?: number;
  dockerd?: number;
  ratio?: number;
  goal: Goal;
  met?: boolean;
  /** The results file the figures come from, or why there are none. */
  from: string;
  error?: string;
}

interface StartupJson { rows?: { key: string; unit: string; berth?: { median?: number; error?: string }; docker?: { median?: number; error?: string }; met?: boolean | null }[] }
interface MeasuresJson { measures?: { key: string; unit: string; berthd?: { value?: number; error?: string }; dockerd?: { value?: number; error?: string }; met?: boolean | null }[] }

/** The figures of a results file by key, whichever of the two shapes it has. */
export function figuresOf(json: unknown): Map<string, Found> {
  const out = new Map<string, Found>();
  for (const r of (json as StartupJson).rows ?? []) {
    out.set(r.key, { unit: r.unit, berthd: r.berth?.median, dockerd: r.docker?.median, met: r.met, error: r.berth?.error ?? r.docker?.error });
  }
  for (const m of (json as MeasuresJson).measures ?? []) {
    out.set(m.key, { unit: m.unit, berthd: m.berthd?.value, dockerd: m.dockerd?.value, met: m.met, error: m.berthd?.error ?? m.dockerd?.error });
  }
  return out;
}

/** Whether berthd meets `goal` on these figures; undefined when they do not say. */
export function judge(goal: Goal, f: Found, all: Map<string, Found>): boolean | undefined {
  if (goal.metFrom) return all.get(goal.metFrom)?.met ?? undefined;
  if (goal.max === undefined) return f.met ?? undefined;
  if (goal.absolute) return f.berthd === undefined ? undefined : f.berthd <= goal.max;
  const r = ratioOf(f);
  return r === undefined ? undefined : r <= goal.max;
}

const ratioOf = (f: Found): number | undefined => (f.berthd === undefined || f.dockerd === undefined || f.dockerd === 0 ? undefined : f.berthd / f.dockerd);

export interface ResultsFile {
  path: string;
  json: unknown;
}

/** `files`: per bench, its results files newest first; a row takes its figures from the first
 * that has its key (a rerun of one step, e.g. BENCH_ONLY=memory, stands in for that row only). */
export function summarize(files: ReadonlyMap<BenchKind, readonly ResultsFile[]>, specs: readonly RowSpec[] = SUMMARY_ROWS): SummaryRow[] {
  const parsed = new Map([...files].map(([kind, fs]) => [kind, fs.map((f) => ({ path: f.path, all: figuresOf(f.json) }))]));
  return specs.map((s) => {
    const base = { key: s.key, label: s.label, goal: s.goal };
    const kind = parsed.get(s.kind) ?? [];
    if (kind.length === 0) return { ...base, unit: '', from: `no ${s.kind} results`, error: `the ${s.kind} bench did not run` };
    const hit = kind.find((k) => k.all.has(s.key));
    if (!hit) return { ...base, unit: '', from: kind[0]!.path, error: 'not in the results' };
    const f = hit.all.get(s.key)!;
    const row: SummaryRow = { ...base, unit: f.unit, from: hit.path, berthd: f.berthd, dockerd: f.dockerd, ratio: ratioOf(f), met: judge(s.goal, f, hit.all) };
    if (f.berthd === undefined || f.dockerd === undefined) row.error = f.error ?? 'no figure';
    return row;
  });
}

const num = (x: number | undefined, unit: string) => (x === undefined ? 'n/a' : `${x.toFixed(Math.abs(x) < 100 ? 1 : 0)} ${unit}`);

export function summaryTableRows(rows: readonly SummaryRow[]): string[][] {
  const out = [['measure (medians)', 'berthd', 'dockerd', 'berthd/dockerd', 'goal', 'met', 'goal from']];
  for (const r of rows) {
    const met = r.met === undefined ? (r.error ? `n/a: ${r.error}` : 'n/a') : r.met ? 'met' : 'MISSED';
    out.push([r.label, num(r.berthd, r.unit), num(r.dockerd, r.unit), r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}×`, r.goal.text, met, r.goal.source]);
  }
  return out;
}

export const formatSummary = (rows: readonly SummaryRow[]): string => formatTable(summaryTableRows(rows));

/** The same as a markdown table, for BENCHMARKS.md. */
export function summaryMarkdown(rows: readonly SummaryRow[]): string {
  const [head, ...body] = summaryTableRows(rows);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head!), line(head!.map(() => '---')), ...body.map(line)].join('\n');
}

export function summaryJson(rows: readonly SummaryRow[], context: Record<string, unknown>): string {
  return JSON.stringify({ ...context, rows: rows.map((r) => ({ ...r, ratio: r.ratio ?? null, met: r.met ?? null })) }, null, 2) + '\n';
}

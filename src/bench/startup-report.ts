// Pure helpers of the startup bench: its rows (a reference such as `node -e 0`, the Go docker
// side, berth), each summarised as median and p90, the goal and whether it is met, as a table
// and as JSON. The bench's goals are of two kinds: berth within some ms of the reference (the
// CLI rows: `node -e 0` + 15 ms) or within a fraction of docker's (the daemon rows: 1/2).
import { formatTable } from './report.ts';
import { median, p90 } from './stats.ts';

/** One program's samples in one row (ms or MiB), or why there are none. */
export interface Variant {
  name: string;
  samples?: number[];
  error?: string;
}

export type Goal = { kind: 'over-reference'; max: number } | { kind: 'of-docker'; max: number; text: string };

export interface StartupRow {
  key: string;
  label: string;
  unit: 'ms' | 'MiB';
  reference?: Variant;
  docker?: Variant;
  berth: Variant;
  goal?: Goal;
}

export interface Summary {
  median: number;
  p90: number;
}

export function summary(v: Variant | undefined): Summary | undefined {
  if (!v?.samples?.length) return undefined;
  return { median: median(v.samples), p90: p90(v.samples) };
}

/** berth's median minus the reference's. */
export function overReference(row: StartupRow): number | undefined {
  const b = summary(row.berth);
  const r = summary(row.reference);
  return b && r ? b.median - r.median : undefined;
}

/** The median of berth − reference taken round by round (both sampled in the same rounds):
 * a burst of load that hits one round hits both of its samples. */
export function pairedOverReference(row: StartupRow): number | undefined {
  const b = row.berth.samples;
  const r = row.reference?.samples;
  if (!b?.length || !r || r.length !== b.length) return undefined;
  return median(b.map((x, i) => x - r[i]!));
}

/** berth's median over docker's. */
export function ratioToDocker(row: StartupRow): number | undefined {
  const b = summary(row.berth);
  const d = summary(row.docker);
  return b && d && d.median > 0 ? b.median / d.median : undefined;
}

/** Whether the goal holds on the medians; undefined without a goal or the figures it needs. */
export function goalMet(row: StartupRow): boolean | undefined {
  if (!row.goal) return undefined;
  const x = row.goal.kind === 'over-reference' ? overReference(row) : ratioToDocker(row);
  return x === undefined ? undefined : x <= row.goal.max;
}

export function goalText(row: StartupRow): string {
  const g = row.goal;
  if (!g) return '-';
  const met = goalMet(row);
  const text = g.kind === 'over-reference' ? `≤ ${row.reference?.name ?? 'reference'} + ${g.max} ${row.unit}` : `≤ ${g.text} of ${row.docker?.name ?? 'docker'}`;
  return `${text}: ${met === undefined ? 'n/a' : met ? 'met' : 'MISSED'}`;
}

/** "median / p90 unit", or n/a with the reason. */
export function cell(v: Variant | undefined, unit: StartupRow['unit']): string {
  if (!v) return '-';
  const s = summary(v);
  if (!s) return `${v.name}: n/a (${v.error ?? 'no samples'})`;
  return `${v.name} ${num(s.median)} / ${num(s.p90)} ${unit}`;
}

const num = (x: number) => x.toFixed(Math.abs(x) < 100 ? 1 : 0);
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${num(Math.abs(x))}`;

export function startupTableRows(rows: readonly StartupRow[]): string[][] {
  const out = [['measure (median / p90)', 'reference', 'docker (Go)', 'berth', 'berth − ref (paired)', 'berth / docker', 'goal']];
  for (const row of rows) {
    const over = overReference(row);
    const paired = pairedOverReference(row);
    const r = ratioToDocker(row);
    const overText = over === undefined ? '-' : `${signed(over)} ${row.unit}${paired === undefined ? '' : ` (${signed(paired)})`}`;
    out.push([row.label, cell(row.reference, row.unit), cell(row.docker, row.unit), cell(row.berth, row.unit), overText, r === undefined ? '-' : `${r.toFixed(2)}×`, goalText(row)]);
  }
  return out;
}

export const formatStartupTable = (rows: readonly StartupRow[]): string => formatTable(startupTableRows(rows));

/** The results file: every row's samples with its medians, p90s, differences and whether its goal is met. */
export function startupJson(rows: readonly StartupRow[], context: Record<string, unknown>): string {
  const withFigures = (v: Variant | undefined) => v && { ...v, ...summary(v) };
  const out = rows.map((row) => ({
    ...row,
    reference: withFigures(row.reference),
    docker: withFigures(row.docker),
    berth: withFigures(row.berth),
    overReference: overReference(row) ?? null,
    pairedOverReference: pairedOverReference(row) ?? null,
    ratioToDocker: ratioToDocker(row) ?? null,
    met: goalMet(row) ?? null,
  }));
  return JSON.stringify({ ...context, rows: out }, null, 2) + '\n';
}

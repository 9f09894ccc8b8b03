// Pure helpers that turn measured figures into the comparison table and the results JSON.

/** One engine's figure for one measure: a value, or why there is none. */
export interface Figure {
  value?: number;
  /** The samples the value summarises (milliseconds or MiB), for the JSON. */
  samples?: number[];
  /** Why there is no value ("not implemented", a failed command's message). */
  error?: string;
  /** Anything worth a note, e.g. failed runs among the parallel ones. */
  note?: string;
}

export interface Measure {
  key: string;
  label: string;
  unit: 'ms' | 'MiB' | '%';
  berthd: Figure;
  dockerd?: Figure;
  /** berthd / dockerd must be at most `max` (written as `text`, e.g. "1/3"); with `absolute`,
   *  berthd's own value must be (an overhead in ms, whatever dockerd's is). */
  target?: { max: number; text: string; absolute?: boolean };
}

export function ratio(m: Measure): number | undefined {
  const b = m.berthd.value;
  const d = m.dockerd?.value;
  return b === undefined || d === undefined || d === 0 ? undefined : b / d;
}

/** Whether berthd meets the target; undefined when there is no target or nothing to compare. */
export function meetsTarget(m: Measure): boolean | undefined {
  if (m.target?.absolute) return m.berthd.value === undefined ? undefined : m.berthd.value <= m.target.max;
  const r = ratio(m);
  return m.target === undefined || r === undefined ? undefined : r <= m.target.max;
}

export function formatFigure(f: Figure | undefined, unit: Measure['unit']): string {
  if (f === undefined) return '-';
  if (f.value === undefined) return `n/a (${f.error ?? 'no value'})`;
  const digits = unit !== 'ms' || f.value < 100 ? 1 : 0;
  return `${f.value.toFixed(digits)} ${unit}${f.note ? ` (${f.note})` : ''}`;
}

export function tableRows(measures: readonly Measure[]): string[][] {
  const rows = [['measure', 'berthd', 'dockerd', 'ratio', 'target']];
  for (const m of measures) {
    const r = ratio(m);
    const met = meetsTarget(m);
    const target = m.target ? `≤ ${m.target.text}${met === undefined ? '' : met ? ' met' : ' MISSED'}` : '-';
    rows.push([m.label, formatFigure(m.berthd, m.unit), formatFigure(m.dockerd, m.unit), r === undefined ? '-' : `${r.toFixed(2)}×`, target]);
  }
  return rows;
}

/** Columns padded to their widest cell, a rule under the header. */
export function formatTable(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: readonly string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  const [header, ...body] = rows;
  if (!header) return '';
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The JSON of the results file: every figure with its samples, ratio and whether the target is met. */
export function resultsJson(measures: readonly Measure[], context: Record<string, unknown>): string {
  const out = measures.map((m) => ({ ...m, ratio: ratio(m) ?? null, met: meetsTarget(m) ?? null }));
  return JSON.stringify({ ...context, measures: out }, null, 2) + '\n';
}

// The summary of a `make bench` run: one table of every row issue 13 lists (medians, the
// berthd/dockerd ratio, the goal and where it comes from), from the newest results file of
// each bench in bench-results/; a combined JSON (bench-results/summary-<date>.json, the table's
// rows with the files they came from), the same table in markdown beside it, and the chart of
// the ratios at docs/bench-ratios.svg (BENCH_CHART to put it elsewhere). A row comes from the
// newest file that has it: a step run again alone (BENCH_ONLY) replaces only its own rows.
// `scripts/bench` runs it after the benches, with BENCH_SINCE set to the run's start: a bench of
// that run that failed then shows as "did not run" rather than an older file standing in for it.
// `scripts/bench summary` runs it alone over every file there (BENCH_SINCE to leave old ones out).
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { resultsPath } from './bench-run.ts';
import { chartSvg } from './summary-chart.ts';
import type { BenchKind } from './summary-goals.ts';
import { formatSummary, summarize, summaryJson, summaryMarkdown, type ResultsFile } from './summary.ts';

const DIR = 'bench-results';
const KINDS: BenchKind[] = ['startup', 'pull', 'containers', 'build'];
const SINCE = process.env.BENCH_SINCE ? Date.parse(process.env.BENCH_SINCE) : 0;
const CHART = process.env.BENCH_CHART || join('docs', 'bench-ratios.svg');

/** The `<kind>-*.json` made at or after SINCE, newest first. */
function filesOf(kind: BenchKind): ResultsFile[] {
  const found = readdirSync(DIR).filter((n) => n.startsWith(`${kind}-`) && n.endsWith('.json')).map((n) => ({ path: join(DIR, n), mtime: statSync(join(DIR, n)).mtimeMs }));
  return found.filter((f) => f.mtime >= SINCE).sort((a, b) => b.mtime - a.mtime).map((f) => ({ path: f.path, json: JSON.parse(readFileSync(f.path, 'utf8')) }));
}

/** What the files say about the run: dates, loads and the machine, per bench. */
function contextOf(files: Map<BenchKind, ResultsFile[]>): Record<string, unknown> {
  const per = Object.fromEntries([...files].flatMap(([, fs]) => fs).map((f) => {
    const j = f.json as { date?: string; loadavgBefore?: number[]; loadavgAfter?: number[]; n?: number };
    return [f.path, { date: j.date, loadavgBefore: j.loadavgBefore, loadavgAfter: j.loadavgAfter, n: j.n }];
  }));
  return { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, loadavgAtSummary: loadavg(), benches: per };
}

function main(): void {
  mkdirSync(DIR, { recursive: true });
  const files = new Map<BenchKind, ResultsFile[]>(KINDS.map((k) => [k, filesOf(k)]));
  const rows = summarize(files);
  const context = contextOf(files);
  console.log(`\nsummary: berthd vs dockerd, medians (${[...files.values()].flat().map((f) => f.path).join(', ') || 'no results'})\n`);
  console.log(formatSummary(rows));
  const json = resultsPath('summary');
  writeFileSync(json, summaryJson(rows, context));
  writeFileSync(json.replace(/\.json$/, '.md'), summaryMarkdown(rows) + '\n');
  const chartRows = rows.map((r) => ({ label: r.label, ratio: r.ratio, met: r.met, goalRatio: r.goal.max !== undefined && !r.goal.absolute ? r.goal.max : undefined }));
  mkdirSync(dirname(CHART), { recursive: true });
  writeFileSync(CHART, chartSvg(chartRows, `berthd / dockerd 20.10, medians — ${String(context.date).slice(0, 10)}, ${context.cores} cores`));
  console.log(`\nsummary: ${json} (and .md), chart: ${CHART}`);
}

main();

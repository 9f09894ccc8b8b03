import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figuresOf, judge, summarize, summaryJson, summaryMarkdown, summaryTableRows, type ResultsFile } from './summary.ts';
import type { BenchKind, RowSpec } from './summary-goals.ts';

const startup = { rows: [
  { key: 'daemon_ready', unit: 'ms', berth: { median: 120 }, docker: { median: 300 }, met: true },
  { key: 'cli_ps', unit: 'ms', berth: { median: 200 }, docker: { median: 70 }, met: false },
] };
const containers = { measures: [
  { key: 'run_rm_bridge_median', unit: 'ms', berthd: { value: 200 }, dockerd: { value: 500 }, met: false },
  { key: 'exec_median', unit: 'ms', berthd: { error: 'exec failed' }, dockerd: { value: 60 }, met: null },
  { key: 'overhead', unit: 'ms', berthd: { value: 12 }, dockerd: { value: 60 } },
  { key: 'first', unit: 'ms', berthd: { value: 9 }, dockerd: { value: 12 } },
  { key: 'first_failed', unit: '%', berthd: { value: 0 }, dockerd: { value: 0 }, met: true },
] };
const files = new Map<BenchKind, ResultsFile[]>([['startup', [{ path: 's.json', json: startup }]], ['containers', [{ path: 'c.json', json: containers }]]]);
const specs: RowSpec[] = [
  { kind: 'startup', key: 'daemon_ready', label: 'ready', goal: { text: '≤ 1/2', max: 0.5, source: 'DESIGN.md' } },
  { kind: 'startup', key: 'cli_ps', label: 'ps', goal: { text: '≤ node + 15 ms', source: 'issue 12' } },
  { kind: 'containers', key: 'run_rm_bridge_median', label: 'bridge', goal: { text: '≤ 1/2', max: 0.5, source: 'x' } },
  { kind: 'containers', key: 'exec_median', label: 'exec', goal: { text: '≤ 1×', max: 1, source: 'x' } },
  { kind: 'containers', key: 'overhead', label: 'overhead', goal: { text: '≤ 15 ms', max: 15, absolute: true, source: 'x' } },
  { kind: 'containers', key: 'first', label: 'first', goal: { text: 'at once', metFrom: 'first_failed', source: 'x' } },
  { kind: 'containers', key: 'missing', label: 'missing', goal: { text: '≤ 1×', max: 1, source: 'x' } },
  { kind: 'build', key: 'build_10_steps_cold', label: 'cold', goal: { text: '≤ 1/2', max: 0.5, source: 'x' } },
];

test('figuresOf reads both shapes of results file: startup rows and measures', () => {
  const s = figuresOf(startup);
  assert.deepEqual(s.get('daemon_ready'), { unit: 'ms', berthd: 120, dockerd: 300, met: true, error: undefined });
  const c = figuresOf(containers);
  assert.equal(c.get('exec_median')?.error, 'exec failed');
  assert.equal(c.get('exec_median')?.berthd, undefined);
});

test('the summary judges each goal itself: ratio, absolute, the file\'s own, another row\'s', () => {
  const rows = summarize(files, specs);
  const by = new Map(rows.map((r) => [r.key, r]));
  assert.equal(by.get('daemon_ready')!.ratio, 0.4);
  assert.equal(by.get('daemon_ready')!.met, true);
  // The file said missed against its own goal (1/3); the summary's goal is 1/2 and 0.4 meets it.
  assert.equal(by.get('run_rm_bridge_median')!.met, true);
  assert.equal(by.get('cli_ps')!.met, false);
  assert.equal(by.get('overhead')!.met, true);
  assert.equal(by.get('first')!.met, true);
  assert.equal(by.get('exec_median')!.met, undefined);
  assert.equal(by.get('exec_median')!.error, 'exec failed');
  assert.equal(by.get('missing')!.error, 'not in the results');
  assert.match(by.get('build_10_steps_cold')!.error!, /build bench did not run/);
  assert.equal(by.get('build_10_steps_cold')!.from, 'no build results');
});

test('an absolute goal is judged on berthd alone; a ratio goal needs both', () => {
  const all = new Map();
  assert.equal(judge({ text: '', max: 15, absolute: true, source: '' }, { unit: 'ms', berthd: 16 }, all), false);
  assert.equal(judge({ text: '', max: 1, source: '' }, { unit: 'ms', berthd: 16 }, all), undefined);
  assert.equal(judge({ text: '', metFrom: 'gone', source: '' }, { unit: 'ms', berthd: 1, dockerd: 2 }, all), undefined);
});

test('table, markdown and JSON carry the figures, the ratio, the goal and its source', () => {
  const rows = summarize(files, specs);
  const table = summaryTableRows(rows);
  assert.deepEqual(table[1], ['ready', '120 ms', '300 ms', '0.40×', '≤ 1/2', 'met', 'DESIGN.md']);
  assert.deepEqual(table[2]!.slice(3, 6), ['2.86×', '≤ node + 15 ms', 'MISSED']);
  assert.equal(table[4]![5], 'n/a: exec failed');
  const md = summaryMarkdown(rows).split('\n');
  assert.equal(md[1], '| --- | --- | --- | --- | --- | --- | --- |');
  assert.equal(md[2], '| ready | 120 ms | 300 ms | 0.40× | ≤ 1/2 | met | DESIGN.md |');
  const json = JSON.parse(summaryJson(rows, { date: 'd' }));
  assert.equal(json.date, 'd');
  assert.equal(json.rows[3].met, null);
  assert.equal(json.rows[3].ratio, null);
  assert.equal(json.rows[0].from, 's.json');
});

test('a newer file of one bench stands in for the rows it has, the older one for the rest', () => {
  const rerun = { measures: [{ key: 'run_rm_bridge_median', unit: 'ms', berthd: { value: 100 }, dockerd: { value: 500 } }] };
  const two = new Map<BenchKind, ResultsFile[]>([['containers', [{ path: 'new.json', json: rerun }, { path: 'c.json', json: containers }]]]);
  const rows = summarize(two, specs.filter((s) => s.kind === 'containers'));
  assert.equal(rows[0]!.from, 'new.json');
  assert.equal(rows[0]!.ratio, 0.2);
  assert.equal(rows[1]!.from, 'c.json');
  assert.equal(rows.find((r) => r.key === 'missing')!.from, 'new.json');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, meetsTarget, ratio, resultsJson, tableRows, type Measure } from './report.ts';

const run: Measure = { key: 'run', label: 'run --rm', unit: 'ms', berthd: { value: 90, samples: [90] }, dockerd: { value: 280 }, target: { max: 1 / 3, text: '1/3' } };
const exec: Measure = { key: 'exec', label: 'exec', unit: 'ms', berthd: { error: 'not implemented' }, dockerd: { value: 70.25 }, target: { max: 1 / 2, text: '1/2' } };
const mem: Measure = { key: 'mem', label: 'memory', unit: 'MiB', berthd: { value: 2.04, note: '19 conmon found' }, dockerd: { value: 2.6 }, target: { max: 1 / 2, text: '1/2' } };
const onlyBerth: Measure = { key: 'p90', label: 'p90', unit: 'ms', berthd: { value: 120.4 } };

test('ratio is berthd over dockerd, and the target is met at or under its bound', () => {
  assert.ok(Math.abs(ratio(run)! - 90 / 280) < 1e-9);
  assert.equal(meetsTarget(run), true);
  assert.equal(meetsTarget(mem), false);
  assert.equal(ratio(exec), undefined);
  assert.equal(meetsTarget(exec), undefined);
  assert.equal(meetsTarget(onlyBerth), undefined);
});

test('an absolute target bounds berthd\'s own value, with or without dockerd', () => {
  const overhead: Measure = { key: 'o', label: 'overhead', unit: 'ms', berthd: { value: 12 }, dockerd: { value: 50 }, target: { max: 15, text: '15 ms', absolute: true } };
  assert.equal(meetsTarget(overhead), true);
  assert.equal(meetsTarget({ ...overhead, berthd: { value: 16 } }), false);
  assert.equal(meetsTarget({ ...overhead, dockerd: undefined }), true);
  assert.equal(meetsTarget({ ...overhead, berthd: { error: 'failed' } }), undefined);
  assert.deepEqual(tableRows([overhead])[1], ['overhead', '12.0 ms', '50.0 ms', '0.24×', '≤ 15 ms met']);
});

test('table rows say n/a with the reason, units, notes, ratio and target', () => {
  const rows = tableRows([run, exec, mem, onlyBerth]);
  assert.deepEqual(rows[0], ['measure', 'berthd', 'dockerd', 'ratio', 'target']);
  assert.deepEqual(rows[1], ['run --rm', '90.0 ms', '280 ms', '0.32×', '≤ 1/3 met']);
  assert.deepEqual(rows[2], ['exec', 'n/a (not implemented)', '70.3 ms', '-', '≤ 1/2']);
  assert.deepEqual(rows[3], ['memory', '2.0 MiB (19 conmon found)', '2.6 MiB', '0.78×', '≤ 1/2 MISSED']);
  assert.deepEqual(rows[4], ['p90', '120 ms', '-', '-', '-']);
});

test('formatTable pads every column but the last to its widest cell and rules the header', () => {
  const text = formatTable([['a', 'bb', 'c'], ['ccc', 'd', 'eeee']]);
  assert.equal(text, 'a    bb  c\n---  --  ----\nccc  d   eeee');
  assert.equal(formatTable([]), '');
});

test('the results JSON carries every figure with its ratio and verdict', () => {
  const json = JSON.parse(resultsJson([run, exec], { n: 20 }));
  assert.equal(json.n, 20);
  assert.equal(json.measures[0].met, true);
  assert.deepEqual(json.measures[0].berthd.samples, [90]);
  assert.equal(json.measures[1].ratio, null);
  assert.equal(json.measures[1].berthd.error, 'not implemented');
});

test("a failed docker command is named by its error line, not by the CLI's help hint", async () => {
  const { errorLine } = await import('./docker-cli.ts');
  const stderr = "docker: Error response from daemon: conflict.\n\nRun 'docker run --help' for more information\n";
  assert.equal(errorLine(stderr), 'docker: Error response from daemon: conflict.');
  assert.equal(errorLine('\nsomething odd\n'), 'something odd');
  assert.equal(errorLine(''), '');
});

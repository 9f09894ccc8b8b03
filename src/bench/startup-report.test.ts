import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goalMet, goalText, overReference, pairedOverReference, ratioToDocker, startupJson, startupTableRows, summary, type StartupRow } from './startup-report.ts';

const cli: StartupRow = {
  key: 'cli_version',
  label: 'version',
  unit: 'ms',
  reference: { name: 'node -e 0', samples: [80, 100, 90] },
  docker: { name: 'docker version', samples: [50, 60, 55] },
  berth: { name: 'berth version', samples: [100, 110, 95] },
  goal: { kind: 'over-reference', max: 15 },
};
const ready: StartupRow = {
  key: 'daemon_ready',
  label: 'ready',
  unit: 'ms',
  docker: { name: 'dockerd', samples: [400, 300] },
  berth: { name: 'berthd', samples: [150, 140] },
  goal: { kind: 'of-docker', max: 1 / 2, text: '1/2' },
};

test('a variant is summarised by its median and nearest-rank p90; no samples, no summary', () => {
  assert.deepEqual(summary(cli.reference), { median: 90, p90: 100 });
  assert.equal(summary({ name: 'x', error: 'failed' }), undefined);
  assert.equal(summary(undefined), undefined);
});

test('over the reference: the difference of the medians, and the median of the round-by-round differences', () => {
  assert.equal(overReference(cli), 100 - 90);
  // rounds: 100−80, 110−100, 95−90 → 20, 10, 5
  assert.equal(pairedOverReference(cli), 10);
  assert.equal(goalMet(cli), true);
  assert.equal(goalMet({ ...cli, berth: { name: 'berth version', samples: [120, 130, 106] } }), false);
  assert.equal(goalText(cli), '≤ node -e 0 + 15 ms: met');
  // Samples not taken in the same rounds cannot be paired.
  assert.equal(pairedOverReference({ ...cli, berth: { name: 'b', samples: [1, 2] } }), undefined);
});

test('a fraction of docker\'s: the ratio of the medians, met at or under the bound', () => {
  assert.equal(ratioToDocker(ready), 145 / 350);
  assert.equal(goalMet(ready), true);
  assert.equal(goalMet({ ...ready, berth: { name: 'berthd', samples: [200, 180] } }), false);
  assert.equal(goalText({ ...ready, berth: { name: 'berthd', samples: [200, 180] } }), '≤ 1/2 of dockerd: MISSED');
  assert.equal(overReference(ready), undefined);
});

test('a failed variant is n/a with its reason, and its goal cannot be judged', () => {
  const failed = { ...ready, berth: { name: 'berthd', error: 'exited during start' } };
  assert.equal(goalMet(failed), undefined);
  const [, row] = startupTableRows([failed]);
  assert.equal(row![3], 'berthd: n/a (exited during start)');
  assert.equal(row![6], '≤ 1/2 of dockerd: n/a');
});

test('table rows: median / p90 with the unit, signed differences, the ratio and the goal', () => {
  const [header, row] = startupTableRows([cli]);
  assert.equal(header!.length, 7);
  assert.deepEqual(row, ['version', 'node -e 0 90.0 / 100 ms', 'docker version 55.0 / 60.0 ms', 'berth version 100 / 110 ms', '+10.0 ms (+10.0)', '1.82×', '≤ node -e 0 + 15 ms: met']);
});

test('the JSON keeps every sample with the figures derived from them', () => {
  const out = JSON.parse(startupJson([cli, ready], { date: 'd' }));
  assert.equal(out.date, 'd');
  assert.deepEqual(out.rows[0].berth.samples, [100, 110, 95]);
  assert.equal(out.rows[0].berth.median, 100);
  assert.equal(out.rows[0].overReference, 10);
  assert.equal(out.rows[0].met, true);
  assert.equal(out.rows[1].ratioToDocker, 145 / 350);
  assert.equal(out.rows[1].pairedOverReference, null);
});

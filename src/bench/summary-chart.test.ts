import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AXIS, chartSvg, escapeXml, xOf } from './summary-chart.ts';

test('xOf puts ratios on a log2 axis: parity in between, halves and doubles equally far', () => {
  const one = xOf(1);
  assert.ok(Math.abs(xOf(2) - one - (one - xOf(0.5))) < 1e-9);
  assert.ok(xOf(0.25) < xOf(0.5) && xOf(0.5) < one && one < xOf(2));
  // Beyond the axis: drawn at its edge.
  assert.equal(xOf(1000), xOf(2 ** AXIS.max));
  assert.equal(xOf(0.0001), xOf(2 ** AXIS.min));
});

test('escapeXml makes labels safe inside text and attributes', () => {
  assert.equal(escapeXml('a < b & "c" > d'), 'a &lt; b &amp; &quot;c&quot; &gt; d');
});

test('the chart has a bar per measured row, coloured by its goal, a tick per ratio goal', () => {
  const svg = chartSvg([
    { label: 'run --rm <bridge>', ratio: 0.3, goalRatio: 1 / 3, met: true },
    { label: 'ps', ratio: 3, met: false },
    { label: 'pull', ratio: 1.1 },
    { label: 'exec' },
  ], 'title & date');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 3);
  assert.match(svg, /fill="#2e7d32"><title>run --rm &lt;bridge&gt;: 0.30×/);
  assert.match(svg, /fill="#c62828"><title>ps: 3.00×/);
  assert.match(svg, /fill="#9e9e9e"><title>pull: 1.10×/);
  assert.match(svg, />exec<\/text>\n<text[^>]*>not measured</);
  assert.match(svg, /title &amp; date/);
  // One goal tick (stroke-width 2) at 1/3.
  const ticks = [...svg.matchAll(/<line x1="([\d.]+)"[^>]*stroke-width="2"/g)];
  assert.equal(ticks.length, 1);
  assert.equal(Number(ticks[0]![1]), Number(xOf(1 / 3).toFixed(1)));
  // A bar left of parity ends at the ratio; one right of it starts at parity.
  const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(Math.abs(bars[0]![0]! - xOf(0.3)) < 0.1 && Math.abs(bars[0]![0]! + bars[0]![1]! - xOf(1)) < 0.2);
  assert.ok(Math.abs(bars[1]![0]! - xOf(1)) < 0.1);
});

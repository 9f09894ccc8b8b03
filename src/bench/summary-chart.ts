// The chart of the summary's ratios (berthd/dockerd, one bar per row), as an SVG string. Written
// by hand rather than with a charting library: the usual ones (chart.js, vega, plotly) draw in a
// browser or need a DOM or canvas emulation to make a file, megabytes of dependencies for what
// is a few rectangles and lines here. The axis is logarithmic (base 2): 2× slower and 2× faster
// lie equally far from parity. Bars start at 1× and end at the ratio; green: goal met, red:
// missed, grey: no judgement. A black tick marks a ratio goal.

export interface ChartRow {
  label: string;
  ratio?: number;
  /** A goal as a ratio (≤), drawn as a tick; absolute goals are not ratios and are not drawn. */
  goalRatio?: number;
  met?: boolean;
}

const LABEL_W = 300;
const PLOT_W = 420;
const ROW_H = 22;
const TOP = 44;
/** The axis: 1/16× to 4×, log2. Ratios beyond are drawn at the edge, their value still printed. */
export const AXIS = { min: -4, max: 2 };

/** The x coordinate of a ratio on the log2 axis, clamped to it. */
export function xOf(ratio: number): number {
  const l = Math.min(AXIS.max, Math.max(AXIS.min, Math.log2(ratio)));
  return LABEL_W + ((l - AXIS.min) / (AXIS.max - AXIS.min)) * PLOT_W;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const COLOR = { met: '#2e7d32', missed: '#c62828', none: '#9e9e9e' };
const fmt = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));

function axis(height: number): string[] {
  const out: string[] = [];
  for (let l = AXIS.min; l <= AXIS.max; l++) {
    const x = xOf(2 ** l).toFixed(1);
    const text = l >= 0 ? `${2 ** l}×` : `1/${2 ** -l}×`;
    out.push(`<line x1="${x}" y1="${TOP - 6}" x2="${x}" y2="${height - 10}" stroke="${l === 0 ? '#000' : '#ddd'}"/>`);
    out.push(`<text x="${x}" y="${TOP - 10}" text-anchor="middle" font-size="11">${text}</text>`);
  }
  return out;
}

function bar(r: ChartRow, i: number): string[] {
  const y = TOP + i * ROW_H;
  const out = [`<text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end" font-size="12">${escapeXml(r.label)}</text>`];
  // A difference (bridge − none) can be negative for dockerd: no ratio to draw then.
  if (r.ratio === undefined || !(r.ratio > 0)) return [...out, `<text x="${xOf(1) + 4}" y="${y + 15}" font-size="11" fill="#666">${r.ratio === undefined ? 'not measured' : `no ratio (${fmt(r.ratio)})`}</text>`];
  const [a, b] = [xOf(1), xOf(r.ratio)];
  const color = r.met === undefined ? COLOR.none : r.met ? COLOR.met : COLOR.missed;
  out.push(`<rect x="${Math.min(a, b).toFixed(1)}" y="${y + 4}" width="${Math.max(1, Math.abs(b - a)).toFixed(1)}" height="${ROW_H - 8}" fill="${color}"><title>${escapeXml(`${r.label}: ${fmt(r.ratio)}×`)}</title></rect>`);
  if (r.goalRatio !== undefined) {
    const g = xOf(r.goalRatio).toFixed(1);
    out.push(`<line x1="${g}" y1="${y + 1}" x2="${g}" y2="${y + ROW_H - 1}" stroke="#000" stroke-width="2"/>`);
  }
  const right = r.ratio >= 1;
  out.push(`<text x="${(right ? Math.max(a, b) + 4 : Math.min(a, b) - 4).toFixed(1)}" y="${y + 15}" text-anchor="${right ? 'start' : 'end'}" font-size="11">${fmt(r.ratio)}×</text>`);
  return out;
}

export function chartSvg(rows: readonly ChartRow[], title: string): string {
  const height = TOP + rows.length * ROW_H + 30;
  const width = LABEL_W + PLOT_W + 60;
  const legend = `<text x="${LABEL_W}" y="${height - 8}" font-size="11" fill="#333">bar: berthd/dockerd (left of 1×: berthd faster or smaller) · tick: goal · green met, red missed, grey no goal judged</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...axis(height - 20),
    ...rows.flatMap(bar),
    legend,
    '</svg>',
    '',
  ].join('\n');
}

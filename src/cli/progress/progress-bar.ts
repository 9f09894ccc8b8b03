// A progress detail rendered as docker's jsonmessage.JSONProgress.String() renders it:
//   [=========>                                         ]  12.35MB/45.67MB 3s
// The bar only on terminals wider than 110 columns, the time left only wider than 50; sizes
// with units.HumanSize (4 significant digits), the time left as Go prints a time.Duration.
import type { ProgressDetail } from '../../client/types.ts';
import { humanSize } from '../format/index.ts';

/** Width used when the output is not a terminal (jsonmessage's fallback). */
export const DEFAULT_WIDTH = 200;

export function renderProgress(p: ProgressDetail, width = DEFAULT_WIDTH, nowMs = Date.now()): string {
  const current = p.current ?? 0;
  const total = p.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return p.units ? `${current} ${p.units}` : humanSize(current, 4).padStart(8);

  const percentage = Math.min(Math.trunc(Math.trunc((current / total) * 100) / 2), 50);
  let bar = '';
  if (width > 110) bar = `[${'='.repeat(percentage)}>${' '.repeat(Math.max(50 - percentage, 0))}] `;

  let numbers = '';
  if (p.hidecounts) {
    // counts hidden
  } else if (!p.units) {
    const cur = humanSize(current, 4);
    numbers = current > total ? cur.padStart(8) : `${cur.padStart(8)}/${humanSize(total, 4)}`;
  } else {
    numbers = current > total ? `${current} ${p.units}` : `${current}/${total} ${p.units}`;
  }

  let timeLeft = '';
  if (current > 0 && (p.start ?? 0) > 0 && percentage < 50) {
    const fromStartNs = nowMs * 1e6 - (p.start ?? 0) * 1e9;
    const perEntryNs = Math.trunc(fromStartNs / current);
    const leftSeconds = Math.trunc(((total - current) * perEntryNs) / 1e9);
    if (width > 50) timeLeft = ` ${goDuration(leftSeconds)}`;
  }
  return bar + numbers + timeLeft;
}

/** time.Duration.String() for whole seconds: 0s, 45s, 1m5s, 2h0m3s. */
export function goDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let s = Math.abs(Math.trunc(seconds));
  if (s === 0) return '0s';
  const h = Math.trunc(s / 3600);
  s -= h * 3600;
  const m = Math.trunc(s / 60);
  s -= m * 60;
  if (h) return `${sign}${h}h${m}m${s}s`;
  if (m) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

// docker's version and info blocks: tab-separated `key:\tvalue` lines aligned by a tabwriter.
// Apart from output.ts, which imports the template engine: `berth version` and `info` load the
// engine (a dozen modules to evaluate at every start) only when --format asks for a template.
import { TabWriter } from './format/tabwriter.ts';

export function alignColumns(text: string, opts: { minWidth: number; padding: number }): string {
  const tw = new TabWriter({ minWidth: opts.minWidth, tabWidth: 1, padding: opts.padding, padChar: ' ' });
  tw.write(text);
  return tw.flush();
}

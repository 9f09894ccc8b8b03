// The commands' door to the formatter: tables and --format templates written to a stream.
import { formatRows, Template, encodeJson, type Headers } from './format/index.ts';

export { humanSize, bytesSize, humanDuration, truncateId } from './format/index.ts';

type Out = { write(chunk: string): unknown };

/** A list command's rows: its default table, or the user's --format. */
export function printRows(out: Out, format: string | undefined, rows: readonly unknown[], spec: { table: string; headers: Headers }): void {
  out.write(formatRows(format, rows, spec.headers, spec.table));
}

/** A single object through --format: `json` prints it as JSON, anything else is a template. */
export function printTemplate(out: Out, format: string, data: unknown): void {
  if (format === 'json') {
    out.write(encodeJson(data) + '\n');
    return;
  }
  out.write(Template.parse(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n')).execute(data) + '\n');
}

export { alignColumns } from './aligned.ts';

/**
 * Adds Go's field names as hidden aliases (e.g. `APIVersion` for the JSON key `ApiVersion`), so
 * templates written for docker work while JSON output keeps the wire names.
 */
export function withGoNames<T extends object>(obj: T, aliases: Record<string, string>): T {
  for (const [goName, jsonKey] of Object.entries(aliases)) {
    if (Object.hasOwn(obj, goName)) continue;
    Object.defineProperty(obj, goName, { get: () => (obj as Record<string, unknown>)[jsonKey], enumerable: false });
  }
  return obj;
}

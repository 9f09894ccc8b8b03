// The CLI's output formatter, mirroring docker/cli's formatter.Context (list
// commands: table / json / raw template) and inspect.TemplateInspector
// (inspect commands). Every format error reads "template parsing error: ...".

import { encodeJson, HEADER_FUNCS } from './functions.ts';
import { TemplateError } from './errors.ts';
import { TabWriter } from './tabwriter.ts';
import { Template } from './template.ts';

/** Column key -> header text, e.g. `{ ID: 'CONTAINER ID', Image: 'IMAGE' }`. */
/** Column titles; a method column (`.Label "x"`) titles itself with a function of its argument. */
export type Headers = Readonly<Record<string, string | ((arg: string) => string)>>;

const isTable = (format: string): boolean => format.startsWith('table');

/**
 * docker's preFormat: strip a leading "table", map "json" to {{json .}}, trim
 * spaces, and turn the two-character escapes \t and \n into real ones.
 */
function prepare(format: string): string {
  const body = isTable(format) ? format.slice('table'.length) : format === 'json' ? '{{json .}}' : format;
  return body.replace(/^ +| +$/g, '').replace(/\\t|\\n/g, (e) => (e === '\\t' ? '\t' : '\n'));
}

// With no default given, the table shows every header column in order.
const defaultTable = (headers: Headers): string =>
  'table ' + Object.keys(headers).map((k) => `{{.${k}}}`).join('\t');

/**
 * Renders list rows as `docker ... ls --format` does. `format` '' or 'table'
 * selects `defaultTableFormat` (which should start with "table"); "table
 * TEMPLATE" renders a header row plus one row per item through the tabwriter;
 * "json" prints one JSON object per row; any other template is executed once
 * per row, newline-terminated, without a header. Throws TemplateError.
 */
export function formatRows(format: string | undefined, rows: readonly unknown[], headers: Headers, defaultTableFormat?: string): string {
  let chosen = format ?? '';
  if (chosen === '' || chosen === 'table') {
    chosen = defaultTableFormat ?? defaultTable(headers);
    if (!isTable(chosen)) chosen = `table ${chosen}`;
  }
  const tmpl = Template.parse(prepare(chosen));
  const json = chosen === 'json';
  const body = rows.map((row) => tmpl.execute(json ? jsonRow(row) : row) + '\n').join('');
  if (!isTable(chosen)) return body;
  const tw = new TabWriter();
  tw.write(renderHeader(tmpl, headers));
  tw.write('\n');
  tw.write(body);
  return tw.flush();
}

/** Like formatRows for a streamed list (e.g. `events`): no table, one line per row. */
export function rowPrinter(format: string, out: { write(chunk: string): unknown }): (row: unknown) => void {
  const tmpl = Template.parse(prepare(format));
  const json = format === 'json';
  return (row) => { out.write(tmpl.execute(json ? jsonRow(row) : row) + '\n'); };
}

// Docker executes the header with functions that return their input, and
// ignores errors, keeping whatever was written before the failure.
function renderHeader(tmpl: Template, headers: Headers): string {
  try {
    return tmpl.execute(headers, { funcs: HEADER_FUNCS });
  } catch (e) {
    if (e instanceof TemplateError) return e.partialOutput;
    throw e;
  }
}

// Docker marshals a list row as a map of its exported fields and zero-argument
// methods (formatter.MarshalJSON); encoding/json sorts map keys. Class rows
// therefore contribute their getters and argument-less methods too.
function jsonRow(row: unknown): unknown {
  if (typeof row !== 'object' || row === null || Array.isArray(row) || row instanceof Map) return row;
  const fields = new Map<string, unknown>();
  for (let o: object | null = row; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.keys(Object.getOwnPropertyDescriptors(o))) {
      if (fields.has(key) || key === 'constructor') continue;
      const value: unknown = (row as Record<string, unknown>)[key];
      if (typeof value !== 'function') fields.set(key, value);
      else if (value.length === 0) fields.set(key, value.call(row));
    }
  }
  return Object.fromEntries([...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface InspectResult {
  output: string;
  /** Per-object execution failures; docker prints them and exits 1. */
  errors: TemplateError[];
}

/**
 * Renders `docker inspect`-style output. No format: a JSON array indented by
 * four spaces; "json": the same array compacted onto one line (as docker does);
 * a template: one execution per object, each followed by a newline. As in
 * docker, a missing struct field (e.g. `.Nope`) is an error but a missing map
 * key (e.g. `.Config.Labels.nope`) prints <no value>. A parse error throws.
 */
export function formatInspect(format: string | undefined, objects: readonly unknown[]): InspectResult {
  if (!format || format === 'json') {
    if (objects.length === 0) return { output: '[]\n', errors: [] };
    return { output: encodeJson(objects, { indent: format ? undefined : 4, escapeHtml: true }) + '\n', errors: [] };
  }
  const tmpl = Template.parse(format);
  const errors: TemplateError[] = [];
  let output = '';
  for (const obj of objects) {
    try {
      output += tmpl.execute(obj, { missingKey: 'struct' }) + '\n';
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      errors.push(e);
    }
  }
  return { output: output === '' ? '\n' : output, errors };
}

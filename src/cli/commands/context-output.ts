// Rendering of `context ls` and `context inspect` through the CLI's formatter, with docker's
// exit statuses for template errors.
import { formatInspect, formatRows } from '../format/formatter.ts';
import { TemplateError } from '../format/errors.ts';
import { ExitCode } from '../exit-code.ts';
import type { ContextRow, InspectedContext } from './context-list.ts';

/** docker's ClientContextTableFormat and its headers. */
const TABLE_FORMAT = 'table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}';
const HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR' };

interface Out {
  write(chunk: string): unknown;
}

export function printContextRows(out: Out, rows: ContextRow[], format: string, quiet: boolean): void {
  const chosen = quiet ? '{{.Name}}' : format === 'table' ? TABLE_FORMAT : format;
  out.write(formatRows(chosen, rows, HEADERS, TABLE_FORMAT));
}

/** docker's inspect.Inspect: a bad template is status 64; failing objects are reported after the output. */
export function printInspect(out: Out, objects: InspectedContext[], format: string | undefined, refErrors: Error[]): void {
  let result;
  try {
    result = formatInspect(format, objects);
  } catch (err) {
    if (err instanceof TemplateError && err.phase === 'parse') {
      process.stderr.write(`${err.message}\n`);
      throw new ExitCode(64);
    }
    throw err;
  }
  out.write(result.output);
  const errs = [...result.errors, ...refErrors];
  if (errs.length) throw new Error(errs.map((e) => e.message).join('\n'));
}

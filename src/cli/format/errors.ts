// Errors raised by the template engine. Docker prefixes both parse and
// execution failures with "template parsing error: " (cli/command/formatter),
// so the prefix lives here and callers can print `err.message` as docker does.

export type TemplatePhase = 'parse' | 'exec';

export class TemplateError extends Error {
  /** Go's own message, e.g. `template: :1: function "foo" not defined`. */
  readonly detail: string;
  readonly phase: TemplatePhase;
  /** Output written before an execution error (Go's Execute keeps it too). */
  partialOutput = '';

  constructor(detail: string, phase: TemplatePhase) {
    super(`template parsing error: ${detail}`);
    this.name = 'TemplateError';
    this.detail = detail;
    this.phase = phase;
  }
}

/** A parse error located like Go's parser does: `template: :LINE: msg`. */
export function parseError(line: number, msg: string): TemplateError {
  return new TemplateError(`template: :${line}: ${msg}`, 'parse');
}

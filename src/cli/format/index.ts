// Public surface of the CLI output formatter (see template.ts for the engine).
export { TemplateError, type TemplatePhase } from './errors.ts';
export { Template, type ExecuteOptions } from './template.ts';
export { BUILTINS, type FuncMap, type TemplateFunc } from './builtins.ts';
export { DOCKER_FUNCS, HEADER_FUNCS, encodeJson } from './functions.ts';
export { formatValue, sprint, sprintf, sprintln } from './printf.ts';
export { DOCKER_TABLE, TabWriter, displayWidth, tabulate, type TabWriterOptions } from './tabwriter.ts';
export { formatInspect, formatRows, rowPrinter, type Headers, type InspectResult } from './formatter.ts';
export { bytesSize, humanDuration, humanSize, truncateId } from './units.ts';

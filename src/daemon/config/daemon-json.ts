// Reading daemon.json strictly: a typo or a wrong type stops the start instead of being ignored,
// because a silently ignored "liverestore" is a setting the user believes is on.
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.ts';
import { JsonSyntaxError, parseJsonWithPositions, type JsonDocument } from './json-positions.ts';
import { convertValue, label, lineOf, typeName, unknownKey, type JsonContext } from './json-values.ts';
import { SETTINGS, SETTINGS_BY_KEY, type SettingKey, type Settings } from './settings.ts';

export interface DaemonJson {
  file: string;
  /** False when the file does not exist (allowed only where the caller says so). */
  exists: boolean;
  settings: Settings;
  /** The line of each top-level key, for messages that come later (conflicts with flags). */
  lines: Map<SettingKey, number>;
}

const KEYS = SETTINGS.map((s) => s.key);

/** Reads and validates FILE; a missing file is an error only when `required`. */
export function readDaemonJson(file: string, required: boolean): DaemonJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return { file, exists: false, settings: {}, lines: new Map() };
    if (code === 'ENOENT') throw new ConfigError(`configuration file ${file} does not exist`);
    throw new ConfigError(`cannot read configuration file ${file}: ${(err as Error).message}`);
  }
  return parseDaemonJson(text, file);
}

/** Validates the text of a daemon.json; `file` is only used in messages. Throws ConfigError. */
export function parseDaemonJson(text: string, file: string): DaemonJson {
  const doc = parseDocument(text, file);
  const ctx: JsonContext = { file, positions: doc.positions };
  const problems = doc.duplicates.map(
    (d) => `duplicate key "${label(d.path)}" at line ${d.second.line} of ${file} (first given at line ${d.first.line})`,
  );
  const settings: Settings = {};
  const lines = new Map<SettingKey, number>();
  for (const [key, value] of Object.entries(doc.value as Record<string, unknown>)) {
    const spec = SETTINGS_BY_KEY.get(key);
    try {
      if (!spec) throw unknownKey(ctx, [key], KEYS);
      Object.assign(settings, { [key]: convertValue(ctx, spec, value) });
      lines.set(spec.key, lineOf(ctx, [key]));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { file, exists: true, settings, lines };
}

/** Parses the JSON and checks that it is an object; an empty file counts as "{}". */
function parseDocument(text: string, file: string): JsonDocument {
  // Go's encoding/json refuses a byte-order mark, so dockerd strips it; so does berthd.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return { value: {}, positions: new Map(), duplicates: [] };
  let doc: JsonDocument;
  try {
    doc = parseJsonWithPositions(body);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = err.position;
    throw new ConfigError(`invalid JSON in ${file} at line ${line}, column ${column}: ${err.reason}`);
  }
  if (typeName(doc.value) !== 'object') {
    const got = typeName(doc.value);
    throw new ConfigError(`invalid configuration in ${file}: expected a JSON object at the top level, got ${got}`);
  }
  return doc;
}

// berthd's command line, with dockerd's flag names and spellings.
import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';
import { ConfigError, ValueError } from './errors.ts';
import { SETTINGS, type SettingSpec, type Settings } from './settings.ts';
import { suggest } from './suggest.ts';
import { parseBool, parsePool, parseRuntimeFlags, splitKeyValue } from './values.ts';

export interface ParsedDaemonArgs {
  /** The settings given as flags, keyed by their daemon.json name (--registry-mirror → "registry-mirrors"). */
  settings: Settings;
  /** --config-file, when given. */
  configFile: string | undefined;
  validate: boolean;
  version: boolean;
  help: boolean;
}

// Flags that have no daemon.json key.
const OPTIONS: Record<string, ParseArgsOptionDescriptor> = {
  'config-file': { type: 'string' },
  validate: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};
for (const s of SETTINGS) {
  if (!s.flag) continue;
  const multiple = s.type === 'list' || s.type === 'map' || s.type === 'runtimes' || s.type === 'pools';
  OPTIONS[s.flag] = { type: s.type === 'boolean' ? 'boolean' : 'string', multiple, ...(s.short ? { short: s.short } : {}) };
}
/** Every long flag berthd takes (the help text is checked against it). */
export const FLAG_NAMES: readonly string[] = Object.keys(OPTIONS);
const LONG_BY_SHORT = new Map(Object.entries(OPTIONS).flatMap(([name, o]) => (o.short ? [[o.short, name]] : [])));
const isBoolean = (name: string) => OPTIONS[name]?.type === 'boolean';

export function parseDaemonArgs(argv: readonly string[]): ParsedDaemonArgs {
  const values = runParseArgs(argv.flatMap(rewrite));
  const settings: Settings = {};
  for (const spec of SETTINGS) {
    const raw = spec.flag === undefined ? undefined : values[spec.flag];
    if (raw !== undefined) Object.assign(settings, { [spec.key]: fromFlag(spec, raw) });
  }
  const configFile = values['config-file'];
  return {
    settings,
    configFile: typeof configFile === 'string' ? configFile : undefined,
    validate: values.validate === true,
    version: values.version === true,
    help: values.help === true,
  };
}

/**
 * parseArgs cannot take "--flag=VALUE" for a boolean option, and dockerd's users write
 * "--live-restore=false"; so such an argument becomes "--flag" or "--no-flag" (parseArgs's
 * allowNegative). A "--no-flag" typed by the user is refused, as dockerd has none. pflag also
 * reads "-H=ADDR" as "-H ADDR" where parseArgs would keep the "=", so those are rewritten too.
 */
function rewrite(arg: string): string[] {
  const negated = /^--no-([^=]+)/.exec(arg)?.[1];
  if (negated !== undefined && isBoolean(negated)) throw unknownFlag(`--no-${negated}`);
  const inline = splitInlineValue(arg);
  if (!inline) return [arg];
  const [name, value] = inline;
  if (!isBoolean(name)) return [`--${name}=${value}`];
  return [guard(name, value, parseBool) ? `--${name}` : `--no-${name}`];
}

/** "--name=VALUE" or "-X=VALUE" for a known flag, as [long name, VALUE]. */
function splitInlineValue(arg: string): [string, string] | undefined {
  const long = /^--([^=]+)=(.*)$/s.exec(arg);
  const short = /^-([A-Za-z])=(.*)$/s.exec(arg);
  const name = long ? long[1]! : short ? LONG_BY_SHORT.get(short[1]!) : undefined;
  const value = (long ?? short)?.[2];
  return name !== undefined && value !== undefined && OPTIONS[name] ? [name, value] : undefined;
}

function runParseArgs(args: string[]): ReturnType<typeof parseArgs>['values'] {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false, allowNegative: true }).values;
  } catch (err) {
    throw translate(err);
  }
}

/** parseArgs's messages name its own API ("positional arguments"); say it in dockerd's terms. */
function translate(err: unknown): unknown {
  const { code, message } = err as { code?: string; message: string };
  const quoted = /'([^']*)'/.exec(message)?.[1]?.replace(/ <value>$/, '') ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return unknownFlag(quoted);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new ConfigError(`unexpected argument "${quoted}": berthd takes only flags`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(message)) {
    return new ConfigError(`flag needs an argument: ${quoted}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(message)) {
    return new ConfigError(`flag needs an argument: ${quoted} (for a value starting with "-", write ${quoted}=VALUE)`);
  }
  return err;
}

function unknownFlag(flag: string): ConfigError {
  const near = flag.startsWith('--') ? suggest(flag.slice(2), FLAG_NAMES) : undefined;
  return new ConfigError(`unknown flag: ${flag}${near ? `; did you mean --${near}?` : ''}`);
}

/** Runs a value check, turning its ValueError into a ConfigError that names the flag. */
function guard<T>(flag: string, value: string, check: (v: string) => T): T {
  try {
    return check(value);
  } catch (err) {
    if (!(err instanceof ValueError)) throw err;
    throw new ConfigError(`invalid argument "${value}" for "--${flag}" flag: ${err.message}`);
  }
}

/** Converts one flag's parsed value (string, string[] or boolean) to its setting's type. */
function fromFlag(spec: SettingSpec, raw: string | boolean | (string | boolean)[]): unknown {
  if (typeof raw === 'boolean') return raw;
  const flag = spec.flag!;
  const check = (v: string): string => guard(flag, v, spec.check ?? String);
  if (typeof raw === 'string') return spec.type === 'integer' ? Number(check(raw)) : check(raw);
  const items = raw.map(String);
  if (spec.type === 'list') return items.map(check);
  if (spec.type === 'pools') return items.map((item) => guard(flag, item, parsePool));
  if (spec.type === 'runtimes') return parseRuntimeFlags(items, (item, parse) => guard(flag, item, parse));
  return Object.fromEntries(items.map((kv) => guard(flag, kv, splitKeyValue)));
}

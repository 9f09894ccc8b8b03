// berth inspect (any object: containers first, then images, networks, volumes, swarm objects when
// the daemon is a manager, plugins) and berth container inspect, printed as docker's
// inspect.Inspect prints them: the daemon's JSON re-indented, or a template per object.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { BerthError, isKind } from '../../api/types/errors.ts';
import { Template, TemplateError } from '../format/index.ts';
import { compactJson, indentJson } from '../inspect/raw-json.ts';
import { ExitCode } from '../exit-code.ts';
import { usageError } from './context-common.ts';
import { INSPECT_FORMAT_HELP } from './image-common.ts';

const TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];

interface Found { raw: string; value: unknown }

/** Fetches one object's JSON: its raw text and its parsed value. */
export async function fetchRaw(env: CliEnv, path: string, query: Record<string, string | boolean | undefined> = {}): Promise<Found> {
  const raw = (await env.client().api.whole('GET', path, { query })).toString('utf8');
  return { raw, value: JSON.parse(raw) };
}

const enc = encodeURIComponent;
/** inspectAll's order; swarm objects only where the daemon manages a swarm. */
const FETCHERS: { type: string; swarm?: boolean; fetch: (env: CliEnv, ref: string, size: boolean) => Promise<Found> }[] = [
  { type: 'container', fetch: (env, ref, size) => fetchRaw(env, `/containers/${enc(ref)}/json`, { size: size || undefined }) },
  { type: 'image', fetch: (env, ref) => fetchRaw(env, `/images/${enc(ref)}/json`) },
  { type: 'network', fetch: (env, ref) => fetchRaw(env, `/networks/${enc(ref)}`) },
  { type: 'volume', fetch: (env, ref) => fetchRaw(env, `/volumes/${enc(ref)}`) },
  { type: 'service', swarm: true, fetch: (env, ref) => fetchRaw(env, `/services/${enc(ref)}`, { insertDefaults: true }) },
  { type: 'task', swarm: true, fetch: (env, ref) => fetchRaw(env, `/tasks/${enc(ref)}`) },
  { type: 'node', swarm: true, fetch: (env, ref) => fetchRaw(env, `/nodes/${enc(ref)}`) },
  { type: 'plugin', fetch: (env, ref) => fetchRaw(env, `/plugins/${enc(ref)}/json`) },
  { type: 'secret', swarm: true, fetch: (env, ref) => fetchRaw(env, `/secrets/${enc(ref)}`) },
  { type: 'config', swarm: true, fetch: (env, ref) => fetchRaw(env, `/configs/${enc(ref)}`) },
];

const skippable = (err: unknown) => isKind(err, 'not-found') || /not supported|invalid reference format/.test((err as Error).message);

async function inspectAny(env: CliEnv, ref: string, size: boolean, type: string): Promise<Found> {
  let swarm: boolean | undefined;
  for (const f of FETCHERS) {
    if (type && f.type !== type) continue;
    if (!type && f.swarm) {
      swarm ??= await env.client().system.info().then(
        (info) => (info.Swarm as { ControlAvailable?: boolean } | undefined)?.ControlAvailable === true,
        (err: Error) => (env.err.write(`${message(err)}\n`), false),
      );
      if (!swarm) continue;
    }
    try {
      const found = await f.fetch(env, ref, size);
      if (size && f.type !== 'container') env.err.write(`WARNING: --size ignored for ${f.type}\n`);
      return found;
    } catch (err) {
      if (!type && skippable(err)) continue;
      throw err;
    }
  }
  throw new Error(`Error: No such object: ${ref}`);
}

export function addInspectCommand(program: Command, getEnv: () => CliEnv): void {
  const cmd: Command = program
    .command('inspect')
    .usage('[OPTIONS] NAME|ID [NAME|ID...]')
    .description('Return low-level information on Docker objects')
    .argument('[args...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .option('-s, --size', 'Display total file sizes if the type is container')
    .option('--type <string>', 'Only inspect objects of the given type')
    .action(async (args: string[], f: { format?: string; size?: boolean; type?: string }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const all = `"${TYPES.join('", "')}"`;
      if (f.type === '') throw new Error(`type is empty: must be one of ${all}`);
      if (f.type !== undefined && !TYPES.includes(f.type)) throw new Error(`unknown type: ${JSON.stringify(f.type)}: must be one of ${all}`);
      const env = getEnv();
      await printInspected(env, args, f.format, (ref) => inspectAny(env, ref, f.size === true, f.type ?? ''));
    });
}

export function addContainerInspectCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('inspect')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Display detailed information on one or more containers')
    .argument('[args...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .option('-s, --size', 'Display total file sizes')
    .action(async (args: string[], f: { format?: string; size?: boolean }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const env = getEnv();
      await printInspected(env, args, f.format, (ref) => fetchRaw(env, `/containers/${enc(ref)}/json`, { size: f.size || undefined }));
    });
}

const message = (err: unknown) => `${err instanceof BerthError ? 'Error response from daemon: ' : ''}${(err as Error).message}`;

/**
 * inspect.Inspect: a template that does not parse is exit 64 before anything is fetched; objects
 * that cannot be found or rendered are reported after the output, exit 1.
 */
export async function printInspected(env: CliEnv, refs: string[], format: string | undefined, get: (ref: string) => Promise<Found>): Promise<void> {
  let template: Template | undefined;
  if (format && format !== 'json') {
    try {
      template = Template.parse(format);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      env.err.write(`${err.message}\n`);
      throw new ExitCode(64);
    }
  }
  const found: Found[] = [];
  const errors: string[] = [];
  let rendered = '';
  for (const ref of refs) {
    try {
      const obj = await get(ref);
      found.push(obj);
      // A missing struct field fails, a missing map key prints <no value>, as on docker's typed structs.
      if (template) rendered += template.execute(obj.value, { missingKey: 'struct' }) + '\n';
    } catch (err) {
      errors.push(message(err));
    }
  }
  if (template) env.out.write(rendered === '' ? '\n' : rendered);
  else if (found.length === 0) env.out.write('[]\n');
  else {
    const joined = `[${found.map((f) => f.raw).join(',')}]`;
    env.out.write(`${format === 'json' ? compactJson(joined) : indentJson(joined)}\n`);
  }
  if (errors.length) throw new Error(errors.join('\n'));
}

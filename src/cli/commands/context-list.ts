// berth context ls / inspect, with docker's table, --format templates and inspect JSON.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { currentContextName } from '../endpoint-resolver.ts';
import { ContextsView, contextDescription, ellipsis, hostOverridesContext, noArgs } from './context-common.ts';
import { naturalCompare, type ContextMeta, type DockerEndpointMeta } from '../context/store.ts';
import { printContextRows, printInspect } from './context-output.ts';

/**
 * One row of `context ls`. A class, so templates see a Go struct (errors name docker's type);
 * fields in the order docker's JSON output sorts them.
 */
export class ContextRow {
  Current: boolean;
  Description: string;
  DockerEndpoint: string;
  Error: string;
  Name: string;
  constructor(row: { Current: boolean; Description: string; DockerEndpoint: string; Error: string; Name: string }) {
    this.Current = row.Current;
    this.Description = row.Description;
    this.DockerEndpoint = row.DockerEndpoint;
    this.Error = row.Error;
    this.Name = row.Name;
  }
}
goName(ContextRow, 'formatter.clientContextContext');

const FORMAT_HELP =
  "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";
const INSPECT_FORMAT_HELP =
  "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

export function registerListCommands(context: Command, getEnv: () => CliEnv): void {
  const ls: Command = context
    .command('ls')
    .alias('list')
    .usage('[OPTIONS]')
    .description('List contexts')
    .argument('[args...]')
    .option('--format <string>', FORMAT_HELP)
    .option('-q, --quiet', 'Only show context names')
    .action((args: string[], flags: { format?: string; quiet?: boolean }) => {
      noArgs(ls, args);
      runList(getEnv(), flags);
    });

  context
    .command('inspect')
    .usage('[OPTIONS] [CONTEXT] [CONTEXT...]')
    .description('Display detailed information on one or more contexts')
    .argument('[args...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .action((args: string[], flags: { format?: string }) => runInspect(getEnv(), args, flags.format));
}

export function contextRows(env: CliEnv): ContextRow[] {
  const view = new ContextsView(env);
  const current = currentContextName(env);
  let found = false;
  const rows: ContextRow[] = [];
  for (const meta of view.list()) {
    const isCurrent = meta.Name === current;
    if (isCurrent) found = true;
    const docker = meta.Endpoints.docker;
    rows.push(new ContextRow({
      Current: isCurrent,
      Description: contextDescription(meta),
      DockerEndpoint: docker?.Host ?? '',
      Error: docker ? '' : 'cannot find docker endpoint in context',
      Name: meta.Name,
    }));
  }
  if (!found) {
    // The current context is not in the store: a stub row says why.
    let error = '';
    try {
      view.get(current);
    } catch (err) {
      error = (err as Error).message;
    }
    rows.push(new ContextRow({ Current: true, Description: '', DockerEndpoint: '', Error: error, Name: current }));
  }
  for (const row of rows) row.Error = ellipsis(row.Error, 45);
  return rows.sort((a, b) => naturalCompare(a.Name, b.Name));
}

function runList(env: CliEnv, flags: { format?: string; quiet?: boolean }): void {
  const rows = contextRows(env);
  printContextRows(env.out, rows, flags.format || 'table', flags.quiet === true);
  if (hostOverridesContext(env)) {
    env.err.write('Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.\n');
  }
}

function runInspect(env: CliEnv, refs: string[], format: string | undefined): void {
  if (refs.length === 0) refs = [currentContextName(env)];
  const view = new ContextsView(env);
  const found: InspectedContext[] = [];
  const errs: Error[] = [];
  for (const ref of refs) {
    try {
      const meta = view.get(ref);
      found.push(new InspectedContext(meta, view.tlsFiles(ref), view.storageInfo(ref)));
    } catch (err) {
      errs.push(err as Error);
    }
  }
  printInspect(env.out, found, format, errs);
}

/** Names a class as Go's type, for template errors such as `can't evaluate field X in type *T`. */
function goName(cls: abstract new (...args: never[]) => unknown, name: string): void {
  Object.defineProperty(cls, 'name', { value: name });
}

/** docker.EndpointMeta: Host is omitted from JSON when empty. */
class DockerEndpoint {
  Host: string;
  SkipTLSVerify: boolean;
  constructor(ep: DockerEndpointMeta) {
    this.Host = ep.Host ?? '';
    this.SkipTLSVerify = ep.SkipTLSVerify === true;
  }
  toJSON(): object {
    return { ...(this.Host && { Host: this.Host }), SkipTLSVerify: this.SkipTLSVerify };
  }
}
goName(DockerEndpoint, 'context.EndpointMetaBase');

/** command.DockerContext: marshals as one map of Description and the additional fields. */
class DockerContext {
  Description: string;
  AdditionalFields: Record<string, unknown>;
  constructor(metadata: ContextMeta['Metadata']) {
    const { Description, ...rest } = metadata;
    this.Description = typeof Description === 'string' ? Description : '';
    this.AdditionalFields = rest;
  }
  toJSON(): object {
    return sortedMap({ ...this.AdditionalFields, ...(this.Description && { Description: this.Description }) });
  }
}
goName(DockerContext, 'command.DockerContext');

/** store.Metadata. */
class StoreMetadata {
  Name: string;
  Metadata: DockerContext;
  Endpoints: Record<string, unknown>;
  constructor(meta: ContextMeta) {
    this.Name = meta.Name;
    this.Metadata = new DockerContext(meta.Metadata);
    this.Endpoints = {};
    for (const k of Object.keys(meta.Endpoints).sort()) {
      const v = meta.Endpoints[k];
      this.Endpoints[k] = k === 'docker' && v ? new DockerEndpoint(v as DockerEndpointMeta) : sortedMap(v);
    }
  }
  toJSON(): object {
    return {
      ...(this.Name && { Name: this.Name }),
      Metadata: this.Metadata,
      ...(Object.keys(this.Endpoints).length && { Endpoints: this.Endpoints }),
    };
  }
}
goName(StoreMetadata, 'store.Metadata');

class StorageInfo {
  MetadataPath: string;
  TLSPath: string;
  constructor(info: { MetadataPath: string; TLSPath: string }) {
    this.MetadataPath = info.MetadataPath;
    this.TLSPath = info.TLSPath;
  }
}
goName(StorageInfo, 'store.StorageInfo');

/**
 * docker's contextWithTLSListing, which embeds store.Metadata: in JSON its fields are inlined,
 * while in templates `.Name` and `.Endpoints` are promoted and `.Metadata` is the embedded
 * store.Metadata itself (so the description is `.Metadata.Metadata.Description`, as in docker).
 */
export class InspectedContext {
  Metadata: StoreMetadata;
  TLSMaterial: Record<string, string[]>;
  Storage: StorageInfo;
  constructor(meta: ContextMeta, tls: Record<string, string[]>, storage: { MetadataPath: string; TLSPath: string }) {
    this.Metadata = new StoreMetadata(meta);
    this.TLSMaterial = tls;
    this.Storage = new StorageInfo(storage);
  }
  get Name(): string {
    return this.Metadata.Name;
  }
  get Endpoints(): Record<string, unknown> {
    return this.Metadata.Endpoints;
  }
  toJSON(): object {
    return { ...(this.Metadata.toJSON() as Record<string, unknown>), TLSMaterial: this.TLSMaterial, Storage: this.Storage };
  }
}
goName(InspectedContext, 'context.contextWithTLSListing');

/** Go marshals and prints maps with sorted keys. */
function sortedMap<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortedMap) as T;
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortedMap(o[k])])) as T;
}

// berth network ls: docker's network table, sorted by name as docker sorts it (naturally), with
// docker's columns for --format.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { Network } from '../../api/types/engine-api.ts';
import { naturalCompare } from '../context/store.ts';
import { filtersFromArgs } from '../filter-arg.ts';
import { formatRows } from '../format/index.ts';
import { truncateId } from '../output.ts';
import { noArgs } from './context-common.ts';
import { filterFlag } from './network-manage.ts';
import { LIST_FORMAT_HELP } from './image-common.ts';

const NETWORK_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
const NETWORK_HEADERS = {
  ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL',
  Labels: 'LABELS', CreatedAt: 'CREATED AT', Label: (name: string) => name,
};

interface ListFlags { filter?: string[]; format?: string; trunc?: boolean; quiet?: boolean }

export function addNetworkListCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('ls')
    .aliases(['list'])
    .usage('[OPTIONS]')
    .description('List networks')
    .argument('[args...]')
    .option('-f, --filter <filter>', 'Provide filter values (e.g. "driver=bridge")', (v: string, prev?: string[]) => filterFlag(cmd, '-f, --filter', v, prev))
    .option('--format <string>', LIST_FORMAT_HELP)
    .option('--no-trunc', 'Do not truncate the output')
    .option('-q, --quiet', 'Only display network IDs')
    .action(async (args: string[], flags: ListFlags) => {
      noArgs(cmd, args);
      await listNetworks(getEnv(), flags);
    });
}

async function listNetworks(env: CliEnv, flags: ListFlags): Promise<void> {
  const networks = await env.client().networks.list({ filters: filtersFromArgs(flags.filter) });
  networks.sort((a, b) => naturalCompare(a.Name, b.Name));
  let format = flags.format ?? '';
  const configured = env.configFile.networksFormat;
  if (!format) format = typeof configured === 'string' && configured && !flags.quiet ? configured : 'table';
  if (format === 'table') format = flags.quiet ? '{{.ID}}' : NETWORK_TABLE;
  const trunc = flags.trunc !== false;
  env.out.write(formatRows(format, networks.map((n) => new NetworkRow(n, trunc)), NETWORK_HEADERS));
}

/** formatter.networkContext: what a --format template sees of one network. */
export class NetworkRow {
  readonly #n: Network;
  readonly #trunc: boolean;
  constructor(n: Network, trunc: boolean) {
    [this.#n, this.#trunc] = [n, trunc];
  }
  get ID(): string { return this.#trunc ? truncateId(this.#n.Id) : this.#n.Id; }
  get Name(): string { return this.#n.Name; }
  get Driver(): string { return this.#n.Driver; }
  get Scope(): string { return this.#n.Scope; }
  // Daemons before API 1.47 do not say; Go's zero value for the missing field is false.
  get IPv4(): string { return String(this.#n.EnableIPv4 ?? false); }
  get IPv6(): string { return String(this.#n.EnableIPv6); }
  get Internal(): string { return String(this.#n.Internal); }
  get Labels(): string { return Object.entries(this.#n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','); }
  Label(name: string): string { return this.#n.Labels?.[name] ?? ''; }
  get CreatedAt(): string { return goTimeOfRfc3339(this.#n.Created); }
}

/** Go's time.Time.String() of a time as JSON carried it: "2024-05-01 10:00:00.123 +0000 UTC". */
export function goTimeOfRfc3339(s: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return s;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
  return `${m[1]} ${m[2]}${fraction ? `.${fraction}` : ''} ${zone}`;
}

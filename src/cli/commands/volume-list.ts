// berth volume ls: docker's volume table (DRIVER, VOLUME NAME), its --format fields and -q,
// sorted by name as docker sorts it (natural order).
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { Volume } from '../../client/volumes-api.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { formatRows } from '../format/index.ts';
import { humanSize } from '../output.ts';
import { naturalCompare } from '../context/store.ts';
import { noArgs } from './context-common.ts';

const VOLUME_TABLE = 'table {{.Driver}}\t{{.Name}}';
const VOLUME_HEADERS = {
  Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE',
  Group: 'GROUP', Availability: 'AVAILABILITY', Status: 'STATUS',
};
export const VOLUME_FORMAT_HELP = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

interface ListFlags { filter?: string[]; format?: string; quiet?: boolean; cluster?: boolean }

export function addVolumeListCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('ls')
    .aliases(['list'])
    .usage('[OPTIONS]')
    .description('List volumes')
    .argument('[args...]')
    .option('--cluster', 'Display only cluster volumes, and use cluster volume list formatting')
    .option('-f, --filter <filter>', 'Provide filter values (e.g. "dangling=true")', collectFilter)
    .option('--format <string>', VOLUME_FORMAT_HELP)
    .option('-q, --quiet', 'Only display volume names')
    .action(async (args: string[], flags: ListFlags) => {
      noArgs(cmd, args);
      await listVolumes(getEnv(), flags);
    });
}

async function listVolumes(env: CliEnv, flags: ListFlags): Promise<void> {
  const res = await env.client().volumes.list(filtersFromArgs(flags.filter));
  // berthd has no cluster volumes: --cluster lists none, as docker does outside a swarm.
  const volumes = flags.cluster ? [] : [...(res.Volumes ?? [])].sort((a, b) => naturalCompare(a.Name, b.Name));
  for (const w of res.Warnings ?? []) env.err.write(`${w}\n`);
  let format = flags.format ?? '';
  if (!format) format = typeof env.configFile.volumesFormat === 'string' && !flags.quiet ? env.configFile.volumesFormat : 'table';
  if (format === 'table') format = flags.quiet ? '{{.Name}}' : VOLUME_TABLE;
  env.out.write(formatRows(format, volumes.map((v) => new VolumeRow(v)), VOLUME_HEADERS));
}

/** formatter.volumeContext. */
export class VolumeRow {
  readonly #v: Volume;
  constructor(v: Volume) {
    this.#v = v;
  }
  get Name(): string { return this.#v.Name; }
  get Driver(): string { return this.#v.Driver; }
  get Scope(): string { return this.#v.Scope; }
  get Mountpoint(): string { return this.#v.Mountpoint; }
  get Labels(): string {
    return Object.entries(this.#v.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  }
  Label(name: string): string { return this.#v.Labels?.[name] ?? ''; }
  get Links(): string { return this.#v.UsageData ? String(this.#v.UsageData.RefCount) : 'N/A'; }
  get Size(): string { return this.#v.UsageData ? humanSize(this.#v.UsageData.Size) : 'N/A'; }
  // Cluster volumes' fields: berthd has none.
  get Group(): string { return 'N/A'; }
  get Availability(): string { return 'N/A'; }
  get Status(): string { return 'N/A'; }
}

// The system group (df, info, events, dial-stdio) and the top-level version and info.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { registerVersionCommand } from './version.ts';
import { registerInfoCommand } from './info.ts';
import { dialStdio } from './dial-stdio.ts';
import { humanSize } from '../format/units.ts';
import type { BuildCacheRecord } from '../../client/build-api.ts';

export function registerSystemCommands(program: Command, getEnv: () => CliEnv): void {
  registerVersionCommand(program, getEnv);
  registerInfoCommand(program, getEnv);
  const system = program.command('system').description('Manage berth');
  registerInfoCommand(system, getEnv);
  system
    .command('df')
    .description('Show berth disk usage')
    .option('--format <string>', "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template")
    .option('-v, --verbose', 'Show detailed information on space usage')
    .action((flags: { format?: string; verbose?: boolean }) => diskUsage(getEnv(), flags));
  system
    .command('dial-stdio', { hidden: true })
    .description('Proxy the stdio stream to the daemon connection. Should not be invoked manually.')
    .action(() => dialStdio(getEnv()));
}

interface UsageSummary {
  TotalCount: number;
  ActiveCount: number;
  TotalSize: number;
  Reclaimable: number;
}

const KINDS: [string, string, string][] = [
  ['Images', 'ImagesUsage', 'Images'],
  ['Containers', 'ContainersUsage', 'Containers'],
  ['Local Volumes', 'VolumesUsage', 'Volumes'],
  ['Build Cache', 'BuildCacheUsage', 'BuildCache'],
];

async function diskUsage(env: CliEnv, flags: { format?: string; verbose?: boolean }): Promise<void> {
  const du = await env.client().system.diskUsage(flags.verbose);
  const rows = KINDS.map(([type, key, legacyKey]) => {
    const cache = legacyKey === 'BuildCache';
    const u = (du[key] as UsageSummary | undefined) ?? (cache ? buildCacheSummary(du.BuildCache as BuildCacheRecord[] | null) : legacySummary(du[legacyKey] as unknown[] | null));
    // docker prints no percentage for the build cache's reclaimable space; elsewhere Go's
    // integer division (99.9% prints as 99%).
    const pct = u.TotalSize > 0 && !cache ? ` (${Math.floor((u.Reclaimable * 100) / u.TotalSize)}%)` : '';
    return {
      Type: type,
      TotalCount: String(u.TotalCount),
      Active: String(u.ActiveCount),
      // units.HumanSize: four significant digits ("1.984MB"), not the three of image sizes.
      Size: humanSize(u.TotalSize, 4),
      Reclaimable: `${humanSize(u.Reclaimable, 4)}${pct}`,
    };
  });
  const { printRows } = await import('../output.ts');
  printRows(env.out, flags.format, rows, {
    table: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
    headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
  });
}

/** diskUsageBuilderContext: shared records are left out of the size; those in use are not reclaimable. */
function buildCacheSummary(records: BuildCacheRecord[] | null): UsageSummary {
  const list = records ?? [];
  const size = list.reduce((n, r) => n + (r.Shared ? 0 : r.Size), 0);
  const inUse = list.reduce((n, r) => n + (r.InUse && !r.Shared ? r.Size : 0), 0);
  return { TotalCount: list.length, ActiveCount: list.filter((r) => r.InUse).length, TotalSize: size, Reclaimable: size - inUse };
}

function legacySummary(items: unknown[] | null): UsageSummary {
  const list = (items ?? []) as { Size?: number; SizeRw?: number; UsageData?: { Size: number; RefCount: number }; Containers?: number }[];
  const size = list.reduce((n, i) => n + (i.Size ?? i.SizeRw ?? i.UsageData?.Size ?? 0), 0);
  const active = list.filter((i) => (i.Containers ?? i.UsageData?.RefCount ?? 0) > 0).length;
  return { TotalCount: list.length, ActiveCount: active, TotalSize: size, Reclaimable: 0 };
}

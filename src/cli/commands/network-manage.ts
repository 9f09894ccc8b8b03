// berth network rm / inspect / connect / disconnect / prune, printed as the docker CLI prints them.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { EndpointSettings } from '../../api/types/engine-api.ts';
import { BerthError, isKind } from '../../api/types/errors.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { parseGoInt } from '../container-opts/go-values.ts';
import { confirm } from '../prompt.ts';
import { ExitCode } from '../exit-code.ts';
import { exactArgs, invalidFlagValue, noArgs, usageError } from './context-common.ts';
import { fetchRaw, printInspected } from './inspect.ts';
import { INSPECT_FORMAT_HELP } from './image-common.ts';

const daemonMessage = (err: unknown) => `${err instanceof BerthError ? 'Error response from daemon: ' : ''}${(err as Error).message}`;
const collectList = (value: string, previous: string[] = []) => [...previous, ...value.split(',')];

/** docker's filter flag type: a value without `=` is a usage error at parse time. */
export function filterFlag(cmd: Command, flag: string, value: string, previous?: string[]): string[] {
  if (value.indexOf('=') <= 0) invalidFlagValue(cmd, flag, value, 'bad format of filter (expected name=value)');
  return collectFilter(value, previous);
}

const INGRESS_WARNING = 'WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm run the same docker engine version. Otherwise, removal may not be effective and functionality of newly create ingress networks will be impaired.\nAre you sure you want to continue?';

export function addNetworkRemoveCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('rm')
    .aliases(['remove'])
    .usage('NETWORK [NETWORK...]')
    .description('Remove one or more networks')
    .argument('[args...]')
    .option('-f, --force', 'Do not error if the network does not exist')
    .action(async (args: string[], flags: { force?: boolean }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const env = getEnv();
      let failed = false;
      // One at a time, each printed as it goes; the errors on stderr, then status 1 (as docker).
      for (const name of args) {
        try {
          // As docker: the routing mesh's network is removed only when confirmed.
          const nw = await env.client().networks.inspect(name).catch(() => undefined);
          if (nw?.Ingress && !(await confirm(env, INGRESS_WARNING))) continue;
          await env.client().networks.remove(name);
          env.out.write(`${name}\n`);
        } catch (err) {
          if (flags.force && isKind(err, 'not-found')) continue;
          env.err.write(`${daemonMessage(err)}\n`);
          failed = true;
        }
      }
      if (failed) {
        // docker's StatusError without a message.
        env.err.write('exit status 1\n');
        throw new ExitCode(1);
      }
    });
}

export function addNetworkInspectCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('inspect')
    .usage('[OPTIONS] NETWORK [NETWORK...]')
    .description('Display detailed information on one or more networks')
    .argument('[args...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .option('-v, --verbose', 'Verbose output for diagnostics')
    .action(async (args: string[], flags: { format?: string; verbose?: boolean }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const env = getEnv();
      // The daemon's own JSON, re-indented, as docker prints it.
      const query = { verbose: flags.verbose ? 'true' : undefined };
      await printInspected(env, args, flags.format, (name) => fetchRaw(env, `/networks/${encodeURIComponent(name)}`, query));
    });
}

interface ConnectFlags { alias?: string[]; driverOpt?: string[]; gwPriority?: number; ip?: string; ip6?: string; link?: string[]; linkLocalIp?: string[] }

export function addNetworkConnectCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('connect')
    .usage('[OPTIONS] NETWORK CONTAINER')
    .description('Connect a container to a network')
    .argument('[args...]')
    .option('--alias <strings>', 'Add network-scoped alias for the container', collectList)
    .option('--driver-opt <strings>', 'driver options for the network', collectList)
    .option('--gw-priority <int>', 'Highest gw-priority provides the default gateway. Accepts positive and negative values.', (v: string) => {
      try {
        return parseGoInt(v);
      } catch (err) {
        return invalidFlagValue(cmd, '--gw-priority', v, (err as Error).message);
      }
    })
    .option('--ip <string>', 'IPv4 address (e.g., "172.30.100.104")')
    .option('--ip6 <string>', 'IPv6 address (e.g., "2001:db8::33")')
    .option('--link <list>', 'Add link to another container', collectFilter)
    .option('--link-local-ip <strings>', 'Add a link-local address for the container', collectList)
    .action(async (args: string[], flags: ConnectFlags) => {
      exactArgs(cmd, args, 2);
      await getEnv().client().networks.connect(args[0]!, args[1]!, endpointConfig(flags));
    });
}

/** What docker sends for `network connect` (less the operational fields it sends empty). */
export function endpointConfig(f: ConnectFlags): EndpointSettings {
  const driverOpts: Record<string, string> = {};
  for (const kv of f.driverOpt ?? []) {
    const eq = kv.indexOf('=');
    if (eq === -1) throw new Error('invalid key value pair format in driver options');
    driverOpts[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return {
    IPAMConfig: { ...(f.ip && { IPv4Address: f.ip }), ...(f.ip6 && { IPv6Address: f.ip6 }), ...(f.linkLocalIp?.length && { LinkLocalIPs: f.linkLocalIp }) },
    Links: f.link ?? null,
    Aliases: f.alias ?? [],
    DriverOpts: driverOpts,
    GwPriority: f.gwPriority ?? 0,
  };
}

export function addNetworkDisconnectCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('disconnect')
    .usage('[OPTIONS] NETWORK CONTAINER')
    .description('Disconnect a container from a network')
    .argument('[args...]')
    .option('-f, --force', 'Force the container to disconnect from a network')
    .action(async (args: string[], flags: { force?: boolean }) => {
      exactArgs(cmd, args, 2);
      await getEnv().client().networks.disconnect(args[0]!, args[1]!, flags.force === true);
    });
}

const PRUNE_WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';

export function addNetworkPruneCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('prune')
    .usage('[OPTIONS]')
    .description('Remove all unused networks')
    .argument('[args...]')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', (v: string, prev?: string[]) => filterFlag(cmd, '--filter', v, prev))
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (args: string[], flags: { filter?: string[]; force?: boolean }) => {
      noArgs(cmd, args);
      const env = getEnv();
      const filters = filtersFromArgs(flags.filter);
      if (!flags.force && !(await confirm(env, PRUNE_WARNING))) return;
      const report = await env.client().networks.prune(filters);
      const deleted = report.NetworksDeleted ?? [];
      // docker prints its output with Println: the blank line after the names is docker's.
      if (deleted.length) env.out.write(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
    });
}

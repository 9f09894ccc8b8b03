// berth network: ls, create, rm, inspect, connect, disconnect, prune, as docker has them.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { pflagErrors } from '../container-opts/go-bools.ts';
import { addNetworkCreateCommand } from './network-create.ts';
import { addNetworkListCommand } from './network-list.ts';
import {
  addNetworkConnectCommand, addNetworkDisconnectCommand, addNetworkInspectCommand, addNetworkPruneCommand, addNetworkRemoveCommand,
} from './network-manage.ts';

export function registerNetworkCommands(program: Command, getEnv: () => CliEnv): void {
  const network = addCommandGroup(program, 'network', 'Manage networks');
  addNetworkConnectCommand(network, getEnv);
  addNetworkCreateCommand(network, getEnv);
  addNetworkDisconnectCommand(network, getEnv);
  addNetworkInspectCommand(network, getEnv);
  addNetworkListCommand(network, getEnv);
  addNetworkPruneCommand(network, getEnv);
  addNetworkRemoveCommand(network, getEnv);
  for (const cmd of network.commands) if (cmd.name() !== 'create') pflagErrors(cmd);
}

// berth context: docker's `docker context` commands over docker's own context store, so berth
// and docker see, create and switch the same contexts.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { registerCreateCommands } from './context-create.ts';
import { registerListCommands } from './context-list.ts';
import { registerTransferCommands } from './context-transfer.ts';
import { registerUseCommands } from './context-use.ts';

export function registerContextCommands(program: Command, getEnv: () => CliEnv): void {
  const context = addCommandGroup(program, 'context', 'Manage contexts');
  registerCreateCommands(context, getEnv);
  registerListCommands(context, getEnv);
  registerUseCommands(context, getEnv);
  registerTransferCommands(context, getEnv);
}

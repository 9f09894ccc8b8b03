// berth volume ls / create / inspect / rm / prune, as the docker CLI has them.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { addVolumeListCommand } from './volume-list.ts';
import { addVolumeCreateCommand, addVolumeInspectCommand, addVolumePruneCommand, addVolumeRemoveCommand } from './volume-manage.ts';

export function registerVolumeCommands(program: Command, getEnv: () => CliEnv): void {
  const volume = addCommandGroup(program, 'volume', 'Manage volumes');
  addVolumeCreateCommand(volume, getEnv);
  addVolumeInspectCommand(volume, getEnv);
  addVolumeListCommand(volume, getEnv);
  addVolumePruneCommand(volume, getEnv);
  addVolumeRemoveCommand(volume, getEnv);
}

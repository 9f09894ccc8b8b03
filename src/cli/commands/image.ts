// berth image and its top-level shortcuts, as docker places them: `images` is `image ls`,
// `rmi` is `image rm`, and pull, push, tag, history, save, load and import exist both ways.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { addImportCommand, addLoadCommand, addSaveCommand } from './image-archive.ts';
import { addHistoryCommand } from './image-history.ts';
import { addListCommand } from './image-list.ts';
import { addInspectCommand, addPruneCommand, addRemoveCommand, addTagCommand } from './image-manage.ts';
import { addPullCommand, addPushCommand } from './image-transfer.ts';
import { addBuildCommand } from './build.ts';

export function registerImageCommands(program: Command, getEnv: () => CliEnv): void {
  const image = addCommandGroup(program, 'image', 'Manage images');

  addListCommand(program, 'images', [], getEnv);
  addListCommand(image, 'ls', ['list'], getEnv);
  addRemoveCommand(program, 'rmi', [], getEnv);
  addRemoveCommand(image, 'rm', ['remove'], getEnv);
  addInspectCommand(image, getEnv);
  addPruneCommand(image, getEnv);
  addBuildCommand(image, getEnv);
  for (const parent of [program, image]) {
    addPullCommand(parent, getEnv);
    addPushCommand(parent, getEnv);
    addTagCommand(parent, getEnv);
    addHistoryCommand(parent, getEnv);
    addSaveCommand(parent, getEnv);
    addLoadCommand(parent, getEnv);
    addImportCommand(parent, getEnv);
  }
}

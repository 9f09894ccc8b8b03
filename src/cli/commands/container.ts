// berth container, as docker places it: `container ls` (also `list` and `ps`) is the top-level
// `ps`, `container rm` (also `remove`) is `rm`; `container inspect` and `container prune` exist
// only under `container` (top-level `inspect` takes any object). The shortcuts are registered
// one by one (index/registrars.ts), so `berth ps` loads only its own module.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { addCommandGroup } from '../command-group.ts';
import { addAttachCommand, addStartCommand } from './container-attach.ts';
import { addControlCommands } from './container-control.ts';
import { addExecCommand } from './container-exec.ts';
import { addCreateCommand } from './container-create.ts';
import { addPsCommand, addRmCommand } from './container-list.ts';
import { addContainerPruneCommand, addPauseCommands, addPortCommand, addRenameCommand, addRestartCommand } from './container-manage.ts';
import { addRunCommand } from './container-run.ts';
import { addUpdateCommand } from './container-update.ts';
import { addContainerInspectCommand } from './inspect.ts';
import { pflagErrors } from '../container-opts/go-bools.ts';

/** The `container` group; its top-level shortcuts each have a registrar of their own (index/registrars.ts). */
export function registerContainerCommands(program: Command, getEnv: () => CliEnv): void {
  const container = addCommandGroup(program, 'container', 'Manage containers');
  addPsCommand(container, 'ls', ['list', 'ps'], getEnv);
  addRmCommand(container, 'rm', ['remove'], getEnv);
  addContainerInspectCommand(container, getEnv);
  addContainerPruneCommand(container, getEnv);
  addRunCommand(container, getEnv);
  addCreateCommand(container, getEnv);
  addStartCommand(container, getEnv);
  addAttachCommand(container, getEnv);
  addControlCommands(container, getEnv);
  addRestartCommand(container, getEnv);
  addRenameCommand(container, getEnv);
  addPauseCommands(container, getEnv);
  addUpdateCommand(container, getEnv);
  addPortCommand(container, getEnv);
  addExecCommand(container, getEnv);
  for (const cmd of container.commands) pflagErrors(cmd);
}

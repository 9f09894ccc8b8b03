// berth container and its top-level shortcuts, as docker places them: `ps` is `container ls`
// (also `list` and `ps`), `rm` is `container rm` (also `remove`), `container inspect` and
// `container prune` exist only under `container` (top-level `inspect` takes any object).
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
import { addContainerInspectCommand, addInspectCommand } from './inspect.ts';
import { pflagErrors } from '../container-opts/go-bools.ts';

export function registerContainerCommands(program: Command, getEnv: () => CliEnv): void {
  const container = addCommandGroup(program, 'container', 'Manage containers');
  addPsCommand(program, 'ps', [], getEnv);
  addPsCommand(container, 'ls', ['list', 'ps'], getEnv);
  addRmCommand(program, 'rm', [], getEnv);
  addRmCommand(container, 'rm', ['remove'], getEnv);
  addInspectCommand(program, getEnv);
  addContainerInspectCommand(container, getEnv);
  addContainerPruneCommand(container, getEnv);
  for (const parent of [program, container]) {
    addRunCommand(parent, getEnv);
    addCreateCommand(parent, getEnv);
    addStartCommand(parent, getEnv);
    addAttachCommand(parent, getEnv);
    addControlCommands(parent, getEnv);
    addRestartCommand(parent, getEnv);
    addRenameCommand(parent, getEnv);
    addPauseCommands(parent, getEnv);
    addUpdateCommand(parent, getEnv);
    addPortCommand(parent, getEnv);
    addExecCommand(parent, getEnv);
  }
  for (const cmd of [...program.commands, ...container.commands]) {
    if (CONTAINER_COMMANDS.has(cmd.name()) && cmd !== container) pflagErrors(cmd);
  }
}

const CONTAINER_COMMANDS = new Set(['ps', 'ls', 'rm', 'inspect', 'prune', 'run', 'create', 'start', 'attach', 'stop', 'kill', 'wait', 'logs', 'restart', 'rename', 'pause', 'unpause', 'update', 'port', 'exec']);

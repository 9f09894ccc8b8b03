// Every command module, by the function that registers its commands, loaded only when one of its
// commands runs: a `berth ps` parses and evaluates the container commands and nothing else (no
// registry client, no build context packer, no TLS stack it does not use). The order is the
// order `berth --help` lists the commands in.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';

export type Registrar = (program: Command, getEnv: () => CliEnv) => void;

/**
 * A top-level shortcut of a `container` subcommand (`ps` is `container ls`, `run` is `container
 * run`), registered from its own module: `berth ps` does not evaluate run's hundred flags. Its
 * flag errors read as docker's (pflagErrors), as under `container`.
 */
function shortcut(load: () => Promise<Registrar>): () => Promise<Registrar> {
  return async () => {
    const [add, { pflagErrors }] = await Promise.all([load(), import('../container-opts/go-bools.ts')]);
    return (program, getEnv) => {
      const before = new Set(program.commands);
      add(program, getEnv);
      for (const cmd of program.commands) if (!before.has(cmd)) pflagErrors(cmd);
    };
  };
}

export const REGISTRARS = {
  system: async () => (await import('../commands/system.ts')).registerSystemCommands,
  events: async () => (await import('../commands/events.ts')).registerEventsCommand,
  systemAudit: async () => (await import('../commands/system-audit.ts')).registerSystemAuditCommand,
  context: async () => (await import('../commands/context.ts')).registerContextCommands,
  login: async () => (await import('../commands/login.ts')).registerLoginCommands,
  container: async () => (await import('../commands/container.ts')).registerContainerCommands,
  ps: shortcut(async () => {
    const { addPsCommand } = await import('../commands/container-list.ts');
    return (program, getEnv) => addPsCommand(program, 'ps', [], getEnv);
  }),
  rm: shortcut(async () => {
    const { addRmCommand } = await import('../commands/container-list.ts');
    return (program, getEnv) => addRmCommand(program, 'rm', [], getEnv);
  }),
  inspect: shortcut(async () => (await import('../commands/inspect.ts')).addInspectCommand),
  run: shortcut(async () => (await import('../commands/container-run.ts')).addRunCommand),
  create: shortcut(async () => (await import('../commands/container-create.ts')).addCreateCommand),
  start: shortcut(async () => (await import('../commands/container-attach.ts')).addStartCommand),
  attach: shortcut(async () => (await import('../commands/container-attach.ts')).addAttachCommand),
  control: shortcut(async () => (await import('../commands/container-control.ts')).addControlCommands),
  restart: shortcut(async () => (await import('../commands/container-manage.ts')).addRestartCommand),
  rename: shortcut(async () => (await import('../commands/container-manage.ts')).addRenameCommand),
  pause: shortcut(async () => (await import('../commands/container-manage.ts')).addPauseCommands),
  update: shortcut(async () => (await import('../commands/container-update.ts')).addUpdateCommand),
  port: shortcut(async () => (await import('../commands/container-manage.ts')).addPortCommand),
  exec: shortcut(async () => (await import('../commands/container-exec.ts')).addExecCommand),
  image: async () => (await import('../commands/image.ts')).registerImageCommands,
  volume: async () => (await import('../commands/volume.ts')).registerVolumeCommands,
  network: async () => (await import('../commands/network.ts')).registerNetworkCommands,
  containerObserve: async () => (await import('../commands/container-observe.ts')).registerContainerObserveCommands,
  containerFiles: async () => (await import('../commands/container-files.ts')).registerContainerFileCommands,
  builder: async () => (await import('../commands/builder.ts')).registerBuilderCommands,
  completion: async () => (await import('../commands/completion.ts')).registerCompletionCommands,
} satisfies Record<string, () => Promise<Registrar>>;

export type RegistrarName = keyof typeof REGISTRARS;

export const REGISTRAR_NAMES = Object.keys(REGISTRARS) as RegistrarName[];

/** Modules whose commands never reach the daemon: no client is loaded for them (a TAB is faster). */
export const WITHOUT_CLIENT: ReadonlySet<RegistrarName> = new Set<RegistrarName>(['completion']);

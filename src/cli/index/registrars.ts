// Every command module, by the function that registers its commands, loaded only when one of its
// commands runs: a `berth ps` parses and evaluates the container commands and nothing else (no
// registry client, no build context packer, no TLS stack it does not use). The order is the
// order `berth --help` lists the commands in.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';

export type Registrar = (program: Command, getEnv: () => CliEnv) => void;

export const REGISTRARS = {
  system: async () => (await import('../commands/system.ts')).registerSystemCommands,
  events: async () => (await import('../commands/events.ts')).registerEventsCommand,
  context: async () => (await import('../commands/context.ts')).registerContextCommands,
  login: async () => (await import('../commands/login.ts')).registerLoginCommands,
  container: async () => (await import('../commands/container.ts')).registerContainerCommands,
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

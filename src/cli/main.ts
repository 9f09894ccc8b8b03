// berth, the CLI: docker's global flags and command syntax, one module per command group.
import { Command, CommanderError, Option } from 'commander';
import { CliEnv, type GlobalOptions } from './cli-env.ts';
import { reportError } from './errors.ts';
import { ExitCode } from './exit-code.ts';
import { ENGINE_VERSION, GIT_COMMIT } from '../lib/build-info.ts';
import { registerSystemCommands } from './commands/system.ts';
import { registerEventsCommand } from './commands/events.ts';
import { registerContextCommands } from './commands/context.ts';
import { registerLoginCommands } from './commands/login.ts';
import { registerContainerCommands } from './commands/container.ts';
import { registerImageCommands } from './commands/image.ts';
import { registerVolumeCommands } from './commands/volume.ts';
import { registerNetworkCommands } from './commands/network.ts';
import { registerContainerObserveCommands } from './commands/container-observe.ts';
import { registerContainerFileCommands } from './commands/container-files.ts';
import { registerBuilderCommands } from './commands/builder.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(getEnv: () => CliEnv): Command {
  const program = new Command('berth')
    .usage('[OPTIONS] COMMAND')
    .description('A container engine that speaks the Docker Engine API')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .option('--config <string>', 'Location of client config files (default "~/.docker")')
    .option('-c, --context <string>', 'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "berth context use")')
    .option('-D, --debug', 'Enable debug mode')
    .option('-H, --host <string>', 'Daemon socket to connect to', collect)
    .addOption(new Option('-l, --log-level <string>', 'Set the logging level').choices(['debug', 'info', 'warn', 'error', 'fatal']).default('info'))
    .option('--tls', 'Use TLS; implied by --tlsverify')
    .option('--tlscacert <string>', 'Trust certs signed only by this CA (default "~/.docker/ca.pem")')
    .option('--tlscert <string>', 'Path to TLS certificate file (default "~/.docker/cert.pem")')
    .option('--tlskey <string>', 'Path to TLS key file (default "~/.docker/key.pem")')
    .option('--tlsverify', 'Use TLS and verify the remote')
    .version(`berth version ${ENGINE_VERSION}, build ${GIT_COMMIT}`, '-v, --version', 'Print version information and quit')
    .helpCommand('help [command]', 'Help about any command');
  registerSystemCommands(program, getEnv);
  registerEventsCommand(program, getEnv);
  registerContextCommands(program, getEnv);
  registerLoginCommands(program, getEnv);
  registerContainerCommands(program, getEnv);
  registerImageCommands(program, getEnv);
  registerVolumeCommands(program, getEnv);
  registerNetworkCommands(program, getEnv);
  registerContainerObserveCommands(program, getEnv);
  registerContainerFileCommands(program, getEnv);
  registerBuilderCommands(program, getEnv);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let env: CliEnv | undefined;
  const program = buildProgram(() => (env ??= new CliEnv(program.opts<GlobalOptions>())));
  program.exitOverride();
  for (const cmd of allCommands(program)) cmd.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    if (err instanceof ExitCode) return err.code;
    return reportError(err, env?.debug ?? false);
  }
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** docker exits 125 on usage errors; help and version are not errors. */
function commanderExit(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
  if (err.code === 'commander.executeSubCommandAsync') return err.exitCode;
  return 125;
}

// The `berth` program with docker's global flags and no commands yet: main adds the modules of
// the command being run, or every command's index entry for help and suggestions.
import { Command, Option } from 'commander';
import { ENGINE_VERSION, GIT_COMMIT } from '../lib/build-info.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function rootProgram(): Command {
  return new Command('berth')
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
}

/**
 * The operands of argv after the global flags: the command word first. The flags that take a
 * value are read off the program's own options, so `-H unix:///s ps` and `--host=x ps` skip the
 * value as commander will.
 */
export function operandsAfterGlobalFlags(program: Command, argv: readonly string[]): string[] {
  const takesValue = new Set<string>();
  const shortTakesValue = new Set<string>();
  for (const opt of program.options) {
    if (!(opt.required || opt.optional)) continue;
    if (opt.long) takesValue.add(opt.long);
    if (opt.short) shortTakesValue.add(opt.short.slice(1));
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return argv.slice(i + 1);
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && takesValue.has(arg)) i++;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags: the first that takes a value takes the rest, or the next word.
      for (let j = 1; j < arg.length; j++) {
        if (shortTakesValue.has(arg[j])) {
          if (j === arg.length - 1) i++;
          break;
        }
      }
      continue;
    }
    return argv.slice(i);
  }
  return [];
}

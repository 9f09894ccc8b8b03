// berth exec: a command in a running container, as `docker exec` runs it — create the exec
// instance, start it attached (the shared hijacked-stream code; raw terminal and resizes with
// -t) or detached, then exit with the process's exit code from the instance's inspect.
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { BerthError } from '../../api/types/errors.ts';
import { ExitCode } from '../exit-code.ts';
import { usageError } from './context-common.ts';
import { acceptGoBools } from '../container-opts/go-bools.ts';
import { readKvStrings } from '../container-opts/kv-file.ts';
import { validateEnv } from '../container-opts/flag-validators.ts';
import { streamHijacked } from '../attach/hijacked-streams.ts';
import { monitorTtySize, ttySize } from '../attach/terminal.ts';

interface ExecFlags {
  detach?: boolean;
  detachKeys?: string;
  env: string[];
  envFile: string[];
  interactive?: boolean;
  privileged?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
}

const collect = (parse: (v: string) => string) => (v: string, prev: string[] = []) => [...prev, parse(v)];

export function addExecCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('exec')
    .usage('[OPTIONS] CONTAINER COMMAND [ARG...]')
    .description('Execute a command in a running container')
    .argument('[args...]')
    .passThroughOptions()
    .option('-d, --detach', 'Detached mode: run command in the background')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .addOption(new Option('-e, --env <list>', 'Set environment variables').argParser(collect(validateEnv)).default([]))
    .addOption(new Option('--env-file <list>', 'Read in a file of environment variables').argParser(collect((v) => v)).default([]))
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('--privileged', 'Give extended privileges to the command')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .action(async (args: string[], f: ExecFlags) => {
      if (args.length < 2) usageError(cmd, 'requires at least 2 arguments');
      await exec(getEnv(), args[0]!, args.slice(1), f);
    });
  acceptGoBools(cmd);
}

async function exec(env: CliEnv, container: string, command: string[], f: ExecFlags): Promise<void> {
  const tty = f.tty === true;
  const interactive = f.interactive === true;
  if (tty && interactive && !process.stdin.isTTY && !f.detach) throw new Error('the input device is not a TTY');
  const client = env.client();
  const detachKeys = f.detachKeys ?? env.configFile.detachKeys;
  const size = tty ? ttySize() : [0, 0];
  const consoleSize = size[0] > 0 && size[1] > 0 ? (size as [number, number]) : undefined;
  const body = {
    User: f.user ?? '', Privileged: f.privileged === true, Tty: tty, AttachStdin: interactive && !f.detach,
    AttachStderr: !f.detach, AttachStdout: !f.detach, Detach: f.detach === true, DetachKeys: detachKeys ?? '',
    Env: readKvStrings(f.envFile, f.env) ?? [], WorkingDir: f.workdir ?? '', Cmd: command, ...(consoleSize && { ConsoleSize: consoleSize }),
  };
  let id: string;
  try {
    id = (await client.exec.create(container, body)).Id;
  } catch (err) {
    if (err instanceof BerthError) throw new Error(`Error response from daemon: ${err.message}`);
    throw err;
  }
  if (f.detach) return client.exec.startDetached(id, { Tty: tty });
  const { socket } = await client.exec.startAttached(id, { Tty: tty, ...(consoleSize && { ConsoleSize: consoleSize }) });
  const stopResize = tty && process.stdout.isTTY ? monitorTtySize(client.exec, id) : () => undefined;
  try {
    const { detached } = await streamHijacked({ socket, tty, ...(interactive && { input: process.stdin }), output: env.out, error: env.err, detachKeys });
    if (detached) return;
  } finally {
    stopResize();
  }
  const { ExitCode: code } = await client.exec.inspect(id);
  if (code !== null && code !== 0) throw new ExitCode(code);
}

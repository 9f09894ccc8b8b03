// berth run: create, attach, start and wait, as the docker CLI orders them, so output from the
// first instant is seen and the exit code becomes berth's own. -t is not supported yet.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { ExitCode } from '../main.ts';
import { Demuxer } from '../../api/types/stdcopy.ts';
import { BerthError } from '../../api/types/errors.ts';

interface RunFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  name?: string;
  env?: string[];
  entrypoint?: string;
  workdir?: string;
  user?: string;
  label?: string[];
  init?: boolean;
  privileged?: boolean;
  network?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerRunCommand(program: Command, getEnv: () => CliEnv): void {
  program
    .command('run')
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .description('Create and run a new container from an image')
    .argument('<image>')
    .argument('[command...]')
    .passThroughOptions()
    .option('-d, --detach', 'Run container in background and print container ID')
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('--rm', 'Automatically remove the container and its associated anonymous volumes when it exits')
    .option('--name <string>', 'Assign a name to the container')
    .option('-e, --env <list>', 'Set environment variables', collect)
    .option('--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])')
    .option('-l, --label <list>', 'Set meta data on a container', collect)
    .option('--init', 'Run an init inside the container that forwards signals and reaps processes')
    .option('--privileged', 'Give extended privileges to this container')
    .option('--network <network>', 'Connect a container to a network (none, host)')
    .action((image: string, command: string[], flags: RunFlags) => run(getEnv(), image, command, flags));
}

async function run(env: CliEnv, image: string, command: string[], f: RunFlags): Promise<void> {
  if (f.tty) throw usage('berth run -t is not supported yet; run without -t');
  const client = env.client();
  const attach = !f.detach;
  const body = {
    Image: image,
    ...(command.length && { Cmd: command }),
    ...(f.entrypoint !== undefined && { Entrypoint: f.entrypoint === '' ? [] : [f.entrypoint] }),
    Env: f.env ?? [],
    ...(f.workdir && { WorkingDir: f.workdir }),
    ...(f.user && { User: f.user }),
    Labels: Object.fromEntries((f.label ?? []).map((l) => [l.split('=')[0]!, l.split('=').slice(1).join('=')])),
    AttachStdin: attach && f.interactive === true,
    AttachStdout: attach,
    AttachStderr: attach,
    OpenStdin: f.interactive === true,
    StdinOnce: attach && f.interactive === true,
    Tty: false,
    HostConfig: { AutoRemove: f.rm === true, Init: f.init === true, Privileged: f.privileged === true, NetworkMode: f.network ?? 'default' },
  };
  let id: string;
  try {
    ({ Id: id } = await client.containers.create(body, f.name));
  } catch (err) {
    throw failed(err);
  }
  if (f.detach) {
    await client.containers.start(id).catch((err) => Promise.reject(failed(err)));
    env.out.write(`${id}\n`);
    return;
  }
  const { socket } = await client.containers.attach(id, { stdin: f.interactive === true, stdout: true, stderr: true });
  const exit = client.containers.wait(id, f.rm ? 'removed' : 'next-exit');
  exit.catch(() => undefined);
  const output = new Promise<void>((resolve, reject) => {
    socket.pipe(new Demuxer({ stdout: env.out, stderr: env.err })).on('error', reject).on('finish', resolve).resume();
  });
  try {
    await client.containers.start(id);
  } catch (err) {
    socket.destroy();
    throw failed(err);
  }
  if (f.interactive) process.stdin.pipe(socket);
  await output;
  process.stdin.unpipe(socket);
  process.stdin.pause();
  throw new ExitCode(await exit);
}

/** docker run's own failures (not the container's) exit 125. */
function failed(err: unknown): ExitCode {
  const msg = err instanceof BerthError ? `Error response from daemon: ${err.message}` : (err as Error).message;
  process.stderr.write(`berth: ${msg}\n`);
  return new ExitCode(125);
}

function usage(msg: string): ExitCode {
  process.stderr.write(`berth: ${msg}\n`);
  return new ExitCode(125);
}

// berth attach and berth start (with -a/-i it attaches first and exits with the container's
// code), both through the shared hijacked-stream code.
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { ContainerInspect, ContainersApi } from '../../client/containers-api.ts';
import { BerthError } from '../../api/types/errors.ts';
import { ExitCode } from '../exit-code.ts';
import { exactArgs, usageError } from './context-common.ts';
import { acceptGoBools } from '../container-opts/go-bools.ts';
import { streamHijacked } from '../attach/hijacked-streams.ts';
import { forwardSignals } from '../attach/signal-proxy.ts';
import { monitorTtySize } from '../attach/terminal.ts';
import { waitExit } from './container-run.ts';

const DETACH_KEYS_HELP = 'Override the key sequence for detaching a container';

export function addAttachCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('attach')
    .usage('[OPTIONS] CONTAINER')
    .description('Attach local standard input, output, and error streams to a running container')
    .argument('[args...]')
    .option('--detach-keys <string>', DETACH_KEYS_HELP)
    .option('--no-stdin', 'Do not attach STDIN')
    .addOption(new Option('--sig-proxy', 'Proxy all received signals to the process').default(true))
    .action(async (args: string[], f: { detachKeys?: string; stdin: boolean; sigProxy: boolean }) => {
      exactArgs(cmd, args, 1);
      await attach(getEnv(), args[0]!, f);
    });
  acceptGoBools(cmd);
}

async function checkedState(containers: ContainersApi, name: string): Promise<ContainerInspect> {
  const c = await containers.inspectRaw(name);
  if (!c.State.Running) throw new Error('You cannot attach to a stopped container, start it first');
  if (c.State.Paused) throw new Error('You cannot attach to a paused container, unpause it first');
  if (c.State.Restarting) throw new Error('You cannot attach to a restarting container, wait until it is running');
  return c;
}

async function attach(env: CliEnv, name: string, f: { detachKeys?: string; stdin: boolean; sigProxy: boolean }): Promise<void> {
  const containers = env.client().containers;
  // One version negotiation before the two requests that go out together.
  await env.client().api.negotiate();
  // Waiting starts before anything else, so an exit during the attach is not missed.
  const abort = new AbortController();
  const exit = containers.wait(name, 'not-running', abort.signal);
  exit.catch(() => undefined); // awaited below; until then its rejection must not be unhandled
  try {
    await attachWaiting(env, name, f, exit);
  } finally {
    // Only a detach or a failure gets here with the wait still open.
    abort.abort();
  }
}

async function attachWaiting(env: CliEnv, name: string, f: { detachKeys?: string; stdin: boolean; sigProxy: boolean }, exit: Promise<number>): Promise<void> {
  const containers = env.client().containers;
  const c = await checkedState(containers, name);
  if (f.stdin && c.Config.Tty && !process.stdin.isTTY) throw new Error('the input device is not a TTY');
  const stdin = f.stdin && c.Config.OpenStdin;
  const detachKeys = f.detachKeys ?? env.configFile.detachKeys;
  const stopSignals = f.sigProxy && !c.Config.Tty ? forwardSignals(containers, name) : () => undefined;
  try {
    const { socket } = await containers.attachStreams(name, { stdin, stdout: true, stderr: true, detachKeys });
    // The container may have stopped between the first look and the attach.
    try {
      await checkedState(containers, name);
    } catch (err) {
      socket.destroy();
      throw err;
    }
    let stopResize = () => undefined as void;
    if (c.Config.Tty && process.stdout.isTTY) {
      // docker nudges the size once so the shell redraws its prompt for a second attach.
      const [h, w] = [process.stdout.rows ?? 0, process.stdout.columns ?? 0];
      await containers.resize(c.Id, h + 1, w + 1).catch(() => undefined); // as docker: a nudge that fails changes nothing
      stopResize = monitorTtySize(containers, c.Id);
    }
    try {
      const { detached } = await streamHijacked({ socket, tty: c.Config.Tty, ...(stdin && { input: process.stdin }), output: env.out, error: env.err, detachKeys });
      // Unlike run and start, docker's attach reports a detach as its error (exit 1).
      if (detached) throw new Error('read escape sequence');
    } finally {
      stopResize();
    }
    const code = await exit;
    if (code !== 0) throw new ExitCode(code);
  } finally {
    stopSignals();
  }
}

export function addStartCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('start')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Start one or more stopped containers')
    .argument('[args...]')
    .option('-a, --attach', 'Attach STDOUT/STDERR and forward signals')
    .option('--detach-keys <string>', DETACH_KEYS_HELP)
    .option('-i, --interactive', "Attach container's STDIN")
    .action(async (args: string[], f: { attach?: boolean; interactive?: boolean; detachKeys?: string }) => {
      if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
      const env = getEnv();
      if (f.attach || f.interactive) {
        if (args.length > 1) throw new Error('you cannot start and attach multiple containers at once');
        return startAttached(env, args[0]!, f);
      }
      return startAll(env, args);
    });
  acceptGoBools(cmd);
}

async function startAll(env: CliEnv, names: string[]): Promise<void> {
  const failed: string[] = [];
  for (const name of names) {
    try {
      await env.client().containers.start(name);
      env.out.write(`${name}\n`);
    } catch (err) {
      env.err.write(`${err instanceof BerthError ? 'Error response from daemon: ' : ''}${(err as Error).message}\n`);
      failed.push(name);
    }
  }
  if (failed.length) throw new Error(`Error: failed to start containers: ${failed.join(', ')}`);
}

async function startAttached(env: CliEnv, name: string, f: { interactive?: boolean; detachKeys?: string }): Promise<void> {
  const containers = env.client().containers;
  const c = await containers.inspectRaw(name);
  const tty = c.Config.Tty;
  const stopSignals = tty ? () => undefined : forwardSignals(containers, c.Id);
  try {
    const stdin = f.interactive === true && c.Config.OpenStdin;
    const detachKeys = f.detachKeys ?? env.configFile.detachKeys;
    const { socket } = await containers.attachStreams(c.Id, { stdin, stdout: true, stderr: true, detachKeys });
    const streaming = streamHijacked({ socket, tty, ...(stdin && { input: process.stdin }), output: env.out, error: env.err, detachKeys });
    streaming.catch(() => undefined); // awaited below; until then its rejection must not be unhandled
    const exit = waitExit(env, c.Id, c.HostConfig.AutoRemove === true);
    try {
      await containers.start(c.Id);
    } catch (err) {
      socket.destroy();
      await streaming.catch(() => undefined); // the start's error is the one to report
      if (c.HostConfig.AutoRemove) await exit.code;
      else exit.stop();
      throw err;
    }
    const stopResize = tty && process.stdout.isTTY ? monitorTtySize(containers, c.Id) : () => undefined;
    try {
      if ((await streaming).detached) return exit.stop();
    } finally {
      stopResize();
    }
    const code = await exit.code;
    if (code !== 0) throw new ExitCode(code);
  } finally {
    stopSignals();
  }
}

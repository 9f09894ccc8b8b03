// berth run: create, attach, start and wait, in the docker CLI's order so output from the first
// instant is seen and the container's exit code becomes berth's own. Signals are forwarded while
// attached (--sig-proxy); with -t the terminal is raw and the container's TTY follows its size.
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { ExitCode } from '../exit-code.ts';
import { BerthError } from '../../api/types/errors.ts';
import { usageError } from './context-common.ts';
import { containerCommand, createContainer, failWithHelp, parseForCommand, type CreateFlags } from './container-create.ts';
import { streamHijacked } from '../attach/hijacked-streams.ts';
import { forwardSignals } from '../attach/signal-proxy.ts';
import { monitorTtySize } from '../attach/terminal.ts';

interface RunFlags extends CreateFlags {
  detach?: boolean;
  sigProxy: boolean;
  detachKeys?: string;
}

export function addRunCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = containerCommand(parent, 'run', 'Create and run a new container from an image')
    .option('-d, --detach', 'Run container in background and print container ID')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .addOption(new Option('--sig-proxy', 'Proxy received signals to the process').default(true));
  cmd.action(async (args: string[], flags: RunFlags) => {
    if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
    await run(getEnv(), args, flags);
  });
}

async function run(env: CliEnv, args: string[], f: RunFlags): Promise<void> {
  const body = parseForCommand(env, 'run', f, args);
  if (!f.detach) {
    if (body.AttachStdin && body.Tty && !process.stdin.isTTY) throw new Error('the input device is not a TTY');
  } else {
    if (f.attach?.length) throw new Error('conflicting options: cannot specify both --attach and --detach');
    Object.assign(body, { AttachStdin: false, AttachStdout: false, AttachStderr: false, StdinOnce: false });
  }
  const containers = env.client().containers;
  const id = await createContainer(env, body, f).catch((err: unknown) => Promise.reject(statusError(err)));
  const debug = env.debug ? (line: string) => env.err.write(`[debug] ${line}\n`) : undefined;
  const stopSignals = f.sigProxy ? forwardSignals(containers, id, debug) : () => undefined;
  try {
    const attach = Boolean(body.AttachStdin || body.AttachStdout || body.AttachStderr);
    if (!attach) {
      // docker prints the id while the start is under way, so a failed start still names it.
      env.out.write(`${id}\n`);
      await containers.start(id).catch((err: unknown) => Promise.reject(statusError(err)));
      return;
    }
    const tty = body.Tty === true;
    const { socket } = await containers.attachStreams(id, {
      stdin: Boolean(body.AttachStdin), stdout: Boolean(body.AttachStdout), stderr: Boolean(body.AttachStderr),
      detachKeys: f.detachKeys ?? env.configFile.detachKeys,
    });
    const streaming = streamHijacked({
      socket, tty,
      ...(body.AttachStdin ? { input: process.stdin } : {}),
      output: body.AttachStdout ? env.out : undefined,
      // With a TTY the container's stderr is part of its terminal output.
      error: body.AttachStderr ? (tty ? env.out : env.err) : undefined,
      detachKeys: f.detachKeys ?? env.configFile.detachKeys,
      ...(debug && { debug }),
    });
    streaming.catch(() => undefined); // awaited below; until then its rejection must not be unhandled
    const exit = waitExit(env, id, f.rm === true);
    try {
      await containers.start(id);
    } catch (err) {
      socket.destroy();
      await streaming.catch(() => undefined); // the start's error is the one to report
      if (f.rm) await exit.code;
      else exit.stop();
      throw statusError(err);
    }
    const stopResize = tty && process.stdout.isTTY ? monitorTtySize(containers, id) : () => undefined;
    try {
      const { detached } = await streaming;
      if (detached) return exit.stop();
      const code = await exit.code;
      if (code !== 0) throw new ExitCode(code);
    } finally {
      stopResize();
    }
  } finally {
    stopSignals();
  }
}

/**
 * waitExitOrRemoved: the exit code, or 125 when waiting failed (said on stderr). `stop()` gives
 * up the wait (after a detach), so no open request keeps berth from exiting.
 */
export function waitExit(env: CliEnv, id: string, removed: boolean): { code: Promise<number>; stop(): void } {
  const abort = new AbortController();
  const code = env.client().containers.wait(id, removed ? 'removed' : 'next-exit', abort.signal).catch((err: Error) => {
    if (!abort.signal.aborted) env.err.write(`Error waiting for container: ${err.message}\n`);
    return 125;
  });
  return { code, stop: () => abort.abort() };
}

/** toStatusError: 127 when the command was not found, 126 when it could not be run, else 125. */
function statusError(err: unknown): unknown {
  if (err instanceof ExitCode) return err;
  const msg = err instanceof BerthError ? `Error response from daemon: ${err.message}` : (err as Error).message;
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(msg)) return failWithHelp('run', msg, 127);
  if (/permission denied|is a directory/.test(msg)) return failWithHelp('run', msg, 126);
  return failWithHelp('run', msg, 125);
}

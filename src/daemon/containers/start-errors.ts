// What a start that failed in the runtime tells its caller, as dockerd tells it: a command that
// is not there (or not a file) is the user's mistake — 400, and the container's exit code 127 —,
// one that cannot be run 126, a mount of a directory onto a file (or the reverse) 127 with a
// hint; anything else the daemon's failure (500, exit code 128). The docker CLI reads the
// messages (`docker run` exits 127 or 126 by them); docker-py and compose read the status.
import { BerthError, invalidParameter } from '../../api/types/errors.ts';
import type { ContainerConfig } from '../../api/types/engine-api.ts';
import { commandOf } from './container-config.ts';

export interface StartFailure {
  /** Thrown to the API caller. */
  error: Error;
  /** Recorded as the container's State.ExitCode. */
  exitCode: number;
}

const NOT_FOUND = ['executable file not found', 'no such file or directory'];

export function startFailure(err: Error, config: Pick<ContainerConfig, 'Entrypoint' | 'Cmd'>): StartFailure {
  // berth's own refusals (a network to join not running, a missing volume subpath) stay as they
  // are; the runtime's failures come as system errors.
  if (err instanceof BerthError && err.kind !== 'system') return { error: err, exitCode: 128 };
  const command = commandPath(config);
  const text = err.message.toLowerCase();
  if (text.includes('not a directory')) {
    return { error: invalidParameter(`${err.message}: is a directory mounted onto a file, or a file onto a directory? Check that the host path exists and is of the type expected`), exitCode: 127 };
  }
  if (text.includes('permission denied')) return { error: invalidParameter(err.message), exitCode: 126 };
  if (command !== '' && text.includes(command.toLowerCase()) && NOT_FOUND.some((s) => text.includes(s))) return { error: invalidParameter(err.message), exitCode: 127 };
  return { error: err, exitCode: 128 };
}

function commandPath(config: Pick<ContainerConfig, 'Entrypoint' | 'Cmd'>): string {
  try {
    return commandOf(config).path;
  } catch {
    return ''; // none (refused at create; a row from elsewhere): no command to be missing
  }
}

// How the CLI reports a failure: daemon errors as docker prints them, connection problems in
// plain words, and a stack only when debugging.
import { BerthError } from '../api/types/errors.ts';
import { ConnectError } from '../client/connect-error.ts';

export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof BerthError) {
    process.stderr.write(`Error response from daemon: ${err.message}\n`);
  } else if (err instanceof ConnectError) {
    process.stderr.write(`${err.message}\n`);
  } else if (err instanceof Error) {
    process.stderr.write(`${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
  } else {
    process.stderr.write(`${String(err)}\n`);
  }
  return 1;
}

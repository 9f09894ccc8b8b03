// Detach keys on the daemon's side (docker attach --detach-keys, exec DetachKeys): an attached
// client's stdin is watched for the sequence; on it the client is let go and the process runs
// on with its stdin left open. As in dockerd, only a TTY's stdin is watched (a non-TTY stream
// carries any byte to the process), and keys are spelled exactly as moby/term spells them.
// The notation and the detector are shared with the CLI.
import { invalidParameter } from '../../api/types/errors.ts';
import { DEFAULT_DETACH_KEYS, EscapeDetector, detachKeyBytes } from '../../api/types/detach-keys.ts';

/** The keys a request names (dockerd's default when it names none). */
export function detachKeysOf(spec: string | undefined): Buffer {
  return spec ? parseDetachKeys(spec) : DEFAULT_DETACH_KEYS;
}

/** An attach's `detachKeys`, refused with dockerd's text. */
export function parseDetachKeys(spec: string): Buffer {
  try {
    return detachKeyBytes(spec, { exact: true });
  } catch {
    throw invalidParameter(`Invalid detach keys (${spec}) provided`);
  }
}

/** An exec's `DetachKeys` (empty when it names none), refused with dockerd's text for execs. */
export function parseExecDetachKeys(spec: string): Buffer {
  if (!spec) return Buffer.alloc(0);
  try {
    return detachKeyBytes(spec, { exact: true });
  } catch {
    throw invalidParameter(`Invalid escape keys (${spec}) provided`);
  }
}

/** A client's stdin on its way to the process. With a TTY the keys are watched (bytes before a
 * partial sequence at the input's end are the client's input too, so they are passed on);
 * without one everything passes. */
export function detachScanner(keys: Buffer, tty = true): EscapeDetector {
  return new EscapeDetector(tty ? (keys.length ? keys : DEFAULT_DETACH_KEYS) : Buffer.alloc(0), { flushHeld: true });
}

// Detach keys on the daemon's side (docker attach --detach-keys, exec DetachKeys): the attached
// client's stdin is watched for the sequence; on it the client is let go and the container runs
// on with its stdin left open. The notation and the detector are shared with the CLI.
import { invalidParameter } from '../../api/types/errors.ts';
import { DEFAULT_DETACH_KEYS, EscapeDetector, detachKeyBytes } from '../../api/types/detach-keys.ts';

/** The keys a request names (dockerd's default when it names none). */
export function detachKeysOf(spec: string | undefined): Buffer {
  return spec ? parseDetachKeys(spec) : DEFAULT_DETACH_KEYS;
}

/** A key spec, refused with dockerd's text. */
export function parseDetachKeys(spec: string): Buffer {
  try {
    return detachKeyBytes(spec);
  } catch {
    throw invalidParameter(`Invalid detach keys (${spec}) provided`);
  }
}

/** A client's stdin on its way to the container: bytes before a partial sequence at its end
 * are the client's input too, so they are passed on. */
export function detachScanner(keys: Buffer): EscapeDetector {
  return new EscapeDetector(keys, { flushHeld: true });
}

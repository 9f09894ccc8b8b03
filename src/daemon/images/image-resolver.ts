// Turning what a user typed into an image, as dockerd does: a full or short image id, or a
// reference (name, name:tag, name@digest), references tried first.
import { notFound, invalidParameter } from '../../api/types/errors.ts';
import type { ImageRow, ImagesTable } from '../../store/images.ts';
import { familiarString, formatReference, parseReference, withDefaultTag, type Reference } from '../../image/reference.ts';

const FULL_ID = /^sha256:[a-f0-9]{64}$/;
const HEX_PREFIX = /^(?:sha256:)?([a-f0-9]{1,64})$/;

export function resolveImage(table: ImagesTable, name: string): ImageRow {
  const found = findImage(table, name);
  if (!found) throw notFound(`No such image: ${missingName(name)}`);
  return found;
}

export function findImage(table: ImagesTable, name: string): ImageRow | undefined {
  if (FULL_ID.test(name)) return table.getImage(name);
  const ref = tryParse(name);
  if (ref) {
    const hit = table.resolveRef(formatReference(withDefaultTag(ref)));
    if (hit) return table.getImage(hit.imageId);
  }
  const hex = HEX_PREFIX.exec(name)?.[1];
  if (!hex) return undefined;
  const matches = table.imagesByIdPrefix(hex);
  if (matches.length > 1) throw invalidParameter(`image id prefix ${name} is ambiguous`);
  return matches[0];
}

/** The name as dockerd's "No such image" writes it: a reference with its default tag, short
 * (`nope` is `nope:latest`, `docker.io/library/x:1` is `x:1`); an id as given. */
function missingName(name: string): string {
  const ref = FULL_ID.test(name) ? undefined : tryParse(name);
  return ref ? familiarString(withDefaultTag(ref)) : name;
}

function tryParse(name: string): Reference | undefined {
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}

// Turning what a user typed into an image, as dockerd does: a full or short image id, or a
// reference (name, name:tag, name@digest), references tried first.
import { notFound, invalidParameter } from '../../api/types/errors.ts';
import type { ImageRow, ImagesTable } from '../../store/images.ts';
import { formatReference, parseReference, withDefaultTag, type Reference } from '../../image/reference.ts';

const FULL_ID = /^sha256:[a-f0-9]{64}$/;
const HEX_PREFIX = /^(?:sha256:)?([a-f0-9]{1,64})$/;

export function resolveImage(table: ImagesTable, name: string): ImageRow {
  const found = findImage(table, name);
  if (!found) throw notFound(`No such image: ${name}`);
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

function tryParse(name: string): Reference | undefined {
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}

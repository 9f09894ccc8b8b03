// An executable's absolute path from PATH (conmon wants an absolute runtime path).
// Each miss is looked at with statSync's throwIfNoEntry: false rather than a throwing
// accessSync: berthd's start looks up a few tools across a PATH of ~10 entries, and every
// exception thrown there costs an Error, and its first one V8's scan of the whole bundle for
// line ends (~7 M instructions, issue 12).
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute } from 'node:path';

export function which(name: string, path = process.env.PATH ?? ''): string {
  if (isAbsolute(name)) return name;
  for (const dir of [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    // Not path.join: a start looks up ~8 tools over ~10 PATH entries, and its normalising loop is
    // what V8 compiles with Maglev at start (issue 12; node's own loader takes it close to that).
    const candidate = dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;
    if (executable(candidate)) return candidate;
  }
  return name;
}

function executable(file: string): boolean {
  try {
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false; // a PATH entry that is a file (ENOTDIR), or not executable by us
  }
}

// An executable's absolute path from PATH (conmon wants an absolute runtime path).
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export function which(name: string, path = process.env.PATH ?? ''): string {
  if (isAbsolute(name)) return name;
  for (const dir of [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return name;
}

// Finding the Dockerfile in a context as dockerd does: the `dockerfile` parameter is a path in
// the context (a leading "/" means the context's root, never the host's), links followed in the
// context's scope, one that climbs out refused; "Dockerfile" falls back to "dockerfile".
import { readFile } from 'node:fs/promises';
import { invalidParameter } from '../../api/types/errors.ts';
import { lstatOrNull, type FsView } from '../../image/copy/fs-view.ts';
import { clean } from '../../image/copy/go-path.ts';

export const DEFAULT_DOCKERFILE = 'Dockerfile';
export const MAX_DOCKERFILE_BYTES = 1024 * 1024;

export interface FoundDockerfile {
  /** The name as given (or "dockerfile" after the fallback), for messages. */
  name: string;
  /** Its path in the context ("/sub/Dockerfile"), where `<path>.dockerignore` is looked for. */
  path: string;
  text: string;
}

export async function findDockerfile(view: FsView, given: string): Promise<FoundDockerfile> {
  const name = given === '' ? DEFAULT_DOCKERFILE : given;
  const found = await fileAt(view, name);
  if (typeof found === 'object') return found;
  // Only a Dockerfile that is not there at all falls back (a directory of that name does not).
  if (found === 'missing' && name === DEFAULT_DOCKERFILE) {
    const lower = await fileAt(view, 'dockerfile');
    if (typeof lower === 'object') return lower;
  }
  throw invalidParameter(`Cannot locate specified Dockerfile: ${name}`);
}

/** The file `name` names in the context, or what is there instead. */
async function fileAt(view: FsView, name: string): Promise<FoundDockerfile | 'missing' | 'not-a-file'> {
  // Go's filepath.Join(root, name): leading slashes are separators, ".." may climb out.
  // No file's name holds a NUL (Node's own error would be a 500 naming the host directory).
  if (name.includes('\0')) return 'missing';
  const rel = clean(name.replace(/^\/+/, ''));
  if (rel === '..' || rel.startsWith('../')) throw invalidParameter(`forbidden path outside the build context: ${name} ()`);
  const path = rel === '.' ? '/' : `/${rel}`;
  const host = view.hostOf(await view.resolve(path, true));
  const st = await lstatOrNull(host);
  if (st === null) return 'missing';
  if (!st.isFile()) return 'not-a-file';
  // Read whole into memory: a context's 2 GB "Dockerfile" must not be.
  if (st.size > MAX_DOCKERFILE_BYTES) throw invalidParameter(`the Dockerfile (${name}) is too large: ${st.size} bytes, at most ${MAX_DOCKERFILE_BYTES} are read`);
  return { name, path, text: await readFile(host, 'utf8') };
}

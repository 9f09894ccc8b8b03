// .dockerignore on the daemon's side. The docker CLI and docker-py leave ignored files out of
// the tar already (and send the Dockerfile and .dockerignore anyway); dockerd then drops only
// those two when ignored. Other clients (dockerode, curl) send everything, so berthd applies
// the whole file to what it received: for a CLI's tar nothing more goes, for the others the
// files they should not see. `<Dockerfile>.dockerignore` beside the Dockerfile wins over the
// context's own (BuildKit's rule). Matching is @balena/dockerignore, a port of docker's.
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import dockerignore from '@balena/dockerignore';
import { lstatOrNull, type FsView } from '../../image/copy/fs-view.ts';
import { sortNames } from '../../image/layers/tar-layer.ts';

/** The ignore file's lines: `<dockerfile>.dockerignore` if there is one, else `.dockerignore`. */
export async function ignoreRules(view: FsView, dockerfilePath: string): Promise<string[]> {
  for (const name of [`${dockerfilePath}.dockerignore`, '/.dockerignore']) {
    const host = view.hostOf(await view.resolve(name, true));
    const st = await lstatOrNull(host);
    if (st?.isFile()) return (await readFile(host, 'utf8')).split(/\r?\n/);
  }
  return [];
}

/** Removes what the rules exclude. A directory excluded while some `!` rule may bring back a
 * path below it is walked, and removed only if nothing below it stayed. */
export async function applyIgnore(view: FsView, rules: string[]): Promise<void> {
  const patterns = rules.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (patterns.length === 0) return;
  // A CommonJS module whose typings declare `export default`: its factory is also `.default`.
  const ig = dockerignore.default().add(patterns);
  const exceptions = patterns.some((p) => p.startsWith('!'));
  const walk = async (host: string, rel: string): Promise<void> => {
    for (const name of sortNames(await readdir(host))) {
      const childHost = `${host}/${name}`;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const isDir = (await lstatOrNull(childHost))?.isDirectory() === true;
      if (!ig.ignores(childRel)) {
        if (isDir) await walk(childHost, childRel);
      } else if (isDir && exceptions) {
        await walk(childHost, childRel);
        if ((await readdir(childHost)).length === 0) await rmdir(childHost);
      } else {
        await rm(childHost, { recursive: true, force: true });
      }
    }
  };
  await walk(view.hostOf('/'), '');
}

// The prerequisites about ids and programs: not root, subordinate ids for the user, setuid
// newuidmap/newgidmap, and the programs a rootless berthd runs (rootlesskit, slirp4netns, nsenter).
import { accessSync, constants, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { missing, ok, type Finding } from './findings.ts';
import { NEEDED_IDS, freeRangeStart, readSubIds, userIds, type SubIdFile } from './subids.ts';
import type { SetupUser } from './paths.ts';

export interface IdFiles {
  subuid: string;
  subgid: string;
}

export function rootCheck(user: SetupUser): Finding {
  if (user.uid !== 0) return ok(`runs as ${user.name} (uid ${user.uid}), not root`);
  return missing('runs as root: a rootless berthd belongs to an ordinary user: log in as that user (with its own session, so that XDG_RUNTIME_DIR is set) and run this tool there');
}

/** /etc/subuid and /etc/subgid each give the user at least NEEDED_IDS ids. */
export function subIdChecks(user: SetupUser, files: IdFiles = { subuid: '/etc/subuid', subgid: '/etc/subgid' }): Finding[] {
  const read = [readSubIds(files.subuid), readSubIds(files.subgid)];
  const start = freeRangeStart(read);
  return read.map((file) => subIdCheck(file, user, start));
}

function subIdCheck(file: SubIdFile, user: SetupUser, start: number): Finding {
  const { ranges, total } = userIds(file, user);
  const kind = file.path.endsWith('gid') ? 'group' : 'user';
  if (total >= NEEDED_IDS) return ok(`${file.path}: ${total} subordinate ${kind} ids for ${user.name} (${ranges.map((r) => `${r.first}-${r.first + r.count - 1}`).join(', ')})`);
  // An appended line needs no tool and works where the file does not exist yet (usermod
  // --add-subuids refuses then).
  const fix = { asRoot: [`echo '${user.name}:${start}:${NEEDED_IDS}' >> ${file.path}`] };
  if (file.error) return missing(`${file.path} cannot be read (${file.error}): newuidmap reads it as root, this check as ${user.name}`, { asRoot: [`chmod 0644 ${file.path}`] });
  if (file.ranges === undefined) return missing(`${file.path} does not exist: ${user.name} needs ${NEEDED_IDS} subordinate ${kind} ids`, fix);
  if (ranges.length === 0) return missing(`${file.path} has no line for ${user.name} (or uid ${user.uid}): it needs ${NEEDED_IDS} subordinate ${kind} ids`, fix);
  return missing(`${file.path} gives ${user.name} ${total} subordinate ${kind} ids, fewer than the ${NEEDED_IDS} a container's ids (up to 65534, nobody) need`, fix);
}

/** newuidmap and newgidmap: present, and allowed to write other users' id maps. */
export function idMapCheck(path = process.env.PATH ?? ''): Finding {
  const absent: string[] = [];
  const plain: string[] = [];
  const found: string[] = [];
  for (const name of ['newuidmap', 'newgidmap']) {
    const file = findProgram(name, `${path}${delimiter}/usr/bin${delimiter}/usr/sbin`);
    if (!file) absent.push(name);
    else if (isSetuidRoot(file) || hasSetuidCapability(file)) found.push(file);
    else plain.push(file);
  }
  if (absent.length === 0 && plain.length === 0) return ok(`${found.join(', ')} (setuid)`);
  const problems = [
    ...absent.map((n) => `${n} is not installed`),
    ...plain.map((f) => `${f} is neither setuid root nor has the cap_setuid file capability`),
  ];
  return missing(problems.join('; '), { asRoot: [...(absent.length ? [aptInstall(['uidmap'])] : []), ...plain.map((f) => `chmod u+s ${f}`)] });
}

function isSetuidRoot(file: string): boolean {
  const st = statSync(file);
  return (st.mode & 0o4000) !== 0 && st.uid === 0;
}

const PACKAGES: Record<string, string> = { rootlesskit: 'rootlesskit', slirp4netns: 'slirp4netns', nsenter: 'util-linux' };

/** The programs a rootless berthd runs, on PATH. */
export function programsCheck(path = process.env.PATH ?? ''): Finding {
  const names = Object.keys(PACKAGES);
  const absent = names.filter((n) => !findProgram(n, path));
  if (absent.length === 0) return ok(`${names.map((n) => findProgram(n, path)).join(', ')}`);
  return missing(`not on PATH (${path}): ${absent.join(', ')}`, { asRoot: [aptInstall(absent.map((n) => PACKAGES[n]))] });
}

export function findProgram(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Some distributions give newuidmap a file capability instead of the setuid bit. */
function hasSetuidCapability(file: string): boolean {
  const r = spawnSync('getcap', [file], { encoding: 'utf8' });
  return r.status === 0 && /cap_setuid/.test(r.stdout);
}

export function aptInstall(packages: string[]): string {
  const list = [...new Set(packages)].join(' ');
  return findProgram('apt-get', process.env.PATH ?? '') || findProgram('apt-get', '/usr/bin')
    ? `apt-get install -y ${list}`
    : `install the packages ${list} (Debian's names) with your package manager`;
}

// The systemd user unit that runs a rootless berthd: ~/.config/systemd/user/berthd.service.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findProgram } from './checks-ids.ts';

export const UNIT_NAME = 'berthd.service';
const MARK = '# Written by berthd-rootless-setup';

/** bin/berthd beside this tool's own launcher (an installed tree and a checkout alike). */
export function berthdExecutable(argv1 = process.argv[1] ?? ''): string {
  let dir = dirname(realpathSync(argv1));
  for (let i = 0; i < 4; i++) {
    for (const candidate of [join(dir, 'berthd'), join(dir, 'bin', 'berthd')]) if (existsSync(candidate) && !candidate.endsWith('.js')) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`cannot find bin/berthd near ${argv1}`);
}

/** The directory the user's PATH finds node in (a stable /usr/local/bin rather than where its
 * symlink leads), else this node's own. */
export function nodeDir(path = process.env.PATH ?? ''): string {
  const found = findProgram('node', path);
  return found ? dirname(found) : dirname(process.execPath);
}

export function unitText(berthd: string, node = nodeDir()): string {
  // bin/berthd is `#!/usr/bin/env node`: node's directory goes first. rootlesskit, slirp4netns,
  // nsenter, newuidmap, runc and conmon are found on the rest.
  const path = [...new Set([node, dirname(berthd), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'])].join(':');
  return `${MARK}; \`berthd-rootless-setup uninstall\` removes it.
[Unit]
Description=berth container engine (rootless)
After=network-online.target

[Service]
Type=simple
Environment=PATH=${path}
ExecStart=${berthd}
ExecReload=/bin/kill -s HUP $MAINPID
Restart=on-failure
RestartSec=2
TimeoutStopSec=120
# The user's cgroup is handed to berthd (on cgroup v2, where limits then work).
Delegate=yes
# Only berthd is signalled: the rootlesskit namespace holder and the containers (conmon) outlive
# a restart of berthd, which joins them again (live-restore).
KillMode=process
TasksMax=infinity

[Install]
WantedBy=default.target
`;
}

export type UnitWrite = 'created' | 'updated' | 'unchanged' | 'kept';

/** Writes the unit; one the user wrote themselves (no mark) is kept as it is. */
export function writeUnit(file: string, text: string): UnitWrite {
  let old: string | undefined;
  try {
    old = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (old === text) return 'unchanged';
  if (old !== undefined && !old.startsWith(MARK)) return 'kept';
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
  return old === undefined ? 'created' : 'updated';
}

/** Removes the unit if this tool wrote it: 'removed', 'absent', or 'kept' (someone else's). */
export function removeUnit(file: string): 'removed' | 'absent' | 'kept' {
  let old: string;
  try {
    old = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  if (!old.startsWith(MARK)) return 'kept';
  rmSync(file);
  return 'removed';
}

// What a container can leave on the host, looked up by container id: cgroup directories and
// processes (conmon, runc, the container's own). For the tests that check nothing is left.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every cgroup directory named after one of `ids`, in every hierarchy (v1 and v2). */
export function cgroupsOf(ids: string[]): string[] {
  const found: string[] = [];
  const walk = (p: string, depth: number) => {
    if (depth > 4) return;
    let entries: string[];
    try {
      entries = readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) {
      if (ids.some((id) => e.includes(id))) found.push(join(p, e));
      else walk(join(p, e), depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found;
}

/** Processes whose command line names one of `ids`. */
export function processesOf(ids: string[]): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (ids.some((id) => cmd.includes(id))) out.push(`${pid}: ${cmd}`);
  }
  return out;
}

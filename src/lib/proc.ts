// What /proc says about a process.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The process exists and is neither a zombie nor dead (state Z or X in /proc/<pid>/stat). */
export function isLiveProcess(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold anything: the state follows the last ")".
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The processes in pid's pid namespace (pid included; none when pid is gone): a container's
 * processes where it has no cgroup to list them (rootless), and a private pid namespace. */
export function pidNamespaceMembers(pid: number): number[] {
  const ns = nsOf(pid, 'pid');
  if (ns === undefined) return [];
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => nsOf(p, 'pid') === ns);
}

function nsOf(pid: number, kind: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined; // gone, or not ours to look at
  }
}

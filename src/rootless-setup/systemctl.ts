// The user's own systemd (`systemctl --user`), when a session manager is reachable: there is
// none on a host without logind sessions (a container, these machines), or after `su`.
import { spawnSync } from 'node:child_process';

export interface SystemctlResult {
  ok: boolean;
  output: string;
}

export function systemctlUser(args: string[]): SystemctlResult {
  const r = spawnSync('systemctl', ['--user', ...args], { encoding: 'utf8', timeout: 60_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim();
  return { ok: r.status === 0, output };
}

/** Why the user manager cannot be reached, or undefined when it can. */
export function userManagerProblem(): string | undefined {
  const r = systemctlUser(['show-environment']);
  return r.ok ? undefined : r.output || 'systemctl --user show-environment failed';
}

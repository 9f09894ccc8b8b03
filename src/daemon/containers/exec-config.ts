// An exec instance as the API describes it (POST /containers/{id}/exec), checked, and the OCI
// process it runs: the container's own process (capabilities, rlimits, no-new-privileges, the
// AppArmor and SELinux labels) with the command, environment, user, directory and TTY of the exec.
import type { OciProcess } from '../../runtime/spec/types.ts';
import { allCapabilities } from '../../runtime/spec/caps.ts';
import { hostInfo, mergeEnv, resolveUser } from '../../runtime/spec/index.ts';
import { invalidParameter } from '../../api/types/errors.ts';

export interface ExecConfig {
  cmd: string[];
  env: string[];
  user: string;
  workingDir: string;
  tty: boolean;
  privileged: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  detachKeys: string;
  consoleSize?: [number, number];
}

const strings = (v: unknown, field: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw invalidParameter(`json: cannot unmarshal ${typeof v} into Go struct field ExecOptions.${field} of type []string`);
  return v as string[];
};

export function parseExecConfig(body: Record<string, unknown>): ExecConfig {
  const cmd = strings(body.Cmd, 'Cmd');
  if (cmd.length === 0) throw invalidParameter('No exec command specified');
  const env = strings(body.Env, 'Env');
  for (const e of env) if (e === '' || e.startsWith('=')) throw invalidParameter(`invalid environment variable: ${e}`);
  // Checked once the container is found running (parseExecDetachKeys), as dockerd orders it.
  const detachKeys = typeof body.DetachKeys === 'string' ? body.DetachKeys : '';
  const size = body.ConsoleSize;
  return {
    cmd, env,
    user: typeof body.User === 'string' ? body.User : '',
    workingDir: typeof body.WorkingDir === 'string' ? body.WorkingDir : '',
    tty: body.Tty === true,
    privileged: body.Privileged === true,
    attachStdin: body.AttachStdin === true,
    attachStdout: body.AttachStdout === true,
    attachStderr: body.AttachStderr === true,
    detachKeys,
    ...(Array.isArray(size) && size.length === 2 && size.every((n) => Number.isInteger(n) && n > 0) && { consoleSize: size as [number, number] }),
  };
}

/** The process `runc exec` runs, from the container's (its bundle's config.json) and the exec's. */
export function execProcess(container: OciProcess, rootfs: string, e: ExecConfig, groupAdd: readonly string[]): OciProcess {
  const p: OciProcess = structuredClone(container);
  p.args = e.cmd;
  p.env = mergeEnv(container.env ?? [], e.env); // the exec's variables win over the container's
  if (e.workingDir) p.cwd = e.workingDir;
  if (e.user) {
    const u = resolveUser(rootfs, e.user, groupAdd);
    p.user = { uid: u.uid, gid: u.gid, additionalGids: u.additionalGids };
  }
  p.terminal = e.tty;
  if (e.tty && e.consoleSize) p.consoleSize = { height: e.consoleSize[0], width: e.consoleSize[1] };
  else delete p.consoleSize;
  if (e.privileged) {
    const host = hostInfo();
    const all = allCapabilities(host.capLastCap, host.capBounding);
    p.capabilities = { bounding: all, effective: all, permitted: all };
  }
  return p;
}

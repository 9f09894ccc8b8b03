// Ulimits → OCI rlimits, and the sysctl allowlist. Both are checked here, before runc: runc's own
// failures ("setrlimit: operation not permitted", "sysctl ... not allowed") surface as an opaque
// start error long after `create` answered 201 (create checks ulimits with checkUlimit too).
import { invalidParameter } from '../../api/types/errors.ts';
import type { OciRlimit, Ulimit } from './types.ts';

/** The names go-units (docker's --ulimit parser) knows, mapped to the kernel's RLIMIT_ names. */
const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss',
  'rtprio', 'rttime', 'sigpending', 'stack',
];

/**
 * dockerd's withRlimits: the container's ulimits, then the daemon's default-ulimits for names the
 * container did not set. Nothing else is set, so other limits are inherited from the runtime.
 */
export function buildRlimits(ulimits: readonly Ulimit[] = [], defaults: readonly Ulimit[] = [], nofileHostHard: number): OciRlimit[] {
  const names = new Set(ulimits.map((u) => u.Name));
  const merged = [...ulimits, ...defaults.filter((u) => !names.has(u.Name))];
  return merged.map((u) => {
    checkUlimit(u, nofileHostHard);
    return { type: `RLIMIT_${u.Name.toUpperCase()}`, soft: u.Soft < 0 ? -1 : u.Soft, hard: u.Hard < 0 ? -1 : u.Hard };
  });
}

/**
 * One ulimit as runc would take it, checked at create so a bad one is a 400 there and not a
 * failed start: a name go-units knows (in any case, as dockerd upper-cases it), -1 (unlimited)
 * or a limit, soft not above hard, and a nofile hard limit no higher than the host's own, which
 * runc cannot raise past what it inherited.
 */
export function checkUlimit(u: Ulimit, nofileHostHard: number): void {
  const name = u.Name.toLowerCase();
  if (!ULIMIT_NAMES.includes(name)) throw invalidParameter(`invalid ulimit type: ${u.Name}`);
  for (const v of [u.Soft, u.Hard]) if (v < -1) throw invalidParameter(`invalid ulimit ${u.Name}: ${v} is neither a limit nor -1 (unlimited)`);
  const soft = u.Soft < 0 ? Infinity : u.Soft;
  const hard = u.Hard < 0 ? Infinity : u.Hard;
  if (soft > hard) throw invalidParameter(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  if (name === 'nofile' && hard > nofileHostHard) {
    const asked = u.Hard < 0 ? 'unlimited' : String(u.Hard);
    throw invalidParameter(
      `ulimit nofile hard limit ${asked} exceeds the host's RLIMIT_NOFILE hard limit (${nofileHostHard}); ` +
        `use a value of at most ${nofileHostHard}`,
    );
  }
}

/** IPC-namespaced sysctls dockerd (and runc) accept besides the fs.mqueue.* family. */
const IPC_SYSCTLS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax',
  'kernel.shmmni', 'kernel.shm_rmid_forced',
]);

export interface SysctlNamespaces {
  privateNet: boolean;
  privateIpc: boolean;
  privateUts: boolean;
}

/**
 * Only sysctls the kernel keeps per namespace may be set, and only when the container has its own
 * copy of that namespace — otherwise the write would change the host for everyone.
 */
export function validateSysctls(sysctls: Record<string, string>, ns: SysctlNamespaces): void {
  for (const key of Object.keys(sysctls)) {
    if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) {
      if (!ns.privateIpc) throw invalidParameter(`sysctl "${key}" is not allowed in the host's IPC namespace`);
    } else if (key.startsWith('net.')) {
      if (!ns.privateNet) throw invalidParameter(`sysctl "${key}" is not allowed in the host's network namespace`);
    } else if (key === 'kernel.domainname' || key === 'kernel.hostname') {
      if (!ns.privateUts) throw invalidParameter(`sysctl "${key}" is not allowed in the host's UTS namespace`);
    } else {
      throw invalidParameter(`sysctl "${key}" is not allowed: it is not namespaced (allowed: ${[...IPC_SYSCTLS].join(', ')}, fs.mqueue.*, net.*)`);
    }
  }
}

/**
 * config.json text. RLIM_INFINITY is 2^64-1, which a JS number cannot hold exactly; runc reads a
 * uint64, so -1 rlimits are written out as that literal.
 */
export function specJson(spec: unknown): string {
  const marker = '"__berth_rlim_infinity__"';
  const text = JSON.stringify(spec, (key, value: unknown) =>
    (key === 'soft' || key === 'hard') && value === -1 ? '__berth_rlim_infinity__' : value, 2);
  return text.replaceAll(marker, '18446744073709551615');
}

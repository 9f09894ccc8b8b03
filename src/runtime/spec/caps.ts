// Capabilities as dockerd computes them (moby oci/caps): a default set, --cap-add/--cap-drop with
// or without the CAP_ prefix and in any case, the magic `ALL`, and every capability of the running
// kernel for --privileged.
import { invalidParameter } from '../../api/types/errors.ts';

/** Docker's default set, in Docker's order (the order shows in `docker inspect`-like output). */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
] as const;

/** Every capability Linux defines, indexed by its number (linux/capability.h). */
export const KNOWN_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** The capabilities this kernel has (/proc/sys/kernel/cap_last_cap is the highest number) that
 * berthd itself may hand out: a daemon that runs in a container or VM with a reduced bounding
 * set cannot give a container more (runc fails with "unable to apply caps" otherwise). */
export function allCapabilities(capLastCap: number, bounding?: bigint): string[] {
  return KNOWN_CAPABILITIES.slice(0, capLastCap + 1).filter((_, i) => bounding === undefined || ((bounding >> BigInt(i)) & 1n) === 1n);
}

/**
 * Upper-cases and prefixes CAP_; keeps ALL. Unknown names are refused with dockerd's texts: a typo
 * must not silently leave a container with fewer (or more) privileges than asked for.
 */
export function normalizeCapabilities(caps: readonly string[], capLastCap: number, bounding?: bigint): string[] {
  const known = new Set<string>(KNOWN_CAPABILITIES);
  const supported = new Set(allCapabilities(capLastCap, bounding));
  return caps.map((raw) => {
    let c = raw.toUpperCase();
    if (c === 'ALL') return c;
    if (!c.startsWith('CAP_')) c = `CAP_${c}`;
    if (!known.has(c)) throw invalidParameter(`unknown capability: "${c}"`);
    if (!supported.has(c)) {
      throw invalidParameter(`capability not supported by your kernel or not available in the current environment: "${c}"`);
    }
    return c;
  });
}

/** moby's TweakCapabilities: the capability set of a container's process. */
export function tweakCapabilities(opts: {
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  privileged?: boolean;
  capLastCap: number;
  /** The daemon's own bounding set (CapBnd), when known. */
  bounding?: bigint;
}): string[] {
  const all = allCapabilities(opts.capLastCap, opts.bounding);
  if (opts.privileged) return all;
  const adds = normalizeCapabilities(opts.capAdd ?? [], opts.capLastCap, opts.bounding);
  const drops = normalizeCapabilities(opts.capDrop ?? [], opts.capLastCap);
  if (adds.length === 0 && drops.length === 0) return [...DEFAULT_CAPABILITIES];
  // ALL in cap-add wins over ALL in cap-drop: `--cap-drop ALL --cap-add ALL` means everything.
  if (adds.includes('ALL')) return all.filter((c) => !drops.includes(c));
  if (drops.includes('ALL')) return unique(adds);
  return unique([...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds]);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

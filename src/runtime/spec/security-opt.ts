// HostConfig.SecurityOpt as dockerd parses it (daemon_unix.go parseSecurityOpt): `key=value`, the
// deprecated `key:value`, and the bare flags. SELinux labels and AppArmor profiles are accepted
// and kept but berth applies neither (Debian's runc here has no AppArmor profile for it to load).
import { invalidParameter } from '../../api/types/errors.ts';

export interface SecurityOptions {
  seccomp?: string; // unconfined | builtin | a profile's JSON
  noNewPrivileges: boolean;
  writableCgroups?: boolean;
  apparmor?: string;
  labels: string[];
}

/** Go's strconv.ParseBool, which dockerd uses for these values. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

export function parseSecurityOpt(opts: readonly string[] = [], daemonNoNewPrivileges = false): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: daemonNoNewPrivileges, labels: [] };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') { out.noNewPrivileges = true; continue; }
    if (opt === 'writable-cgroups') { out.writableCgroups = true; continue; }
    if (opt === 'disable') { out.labels.push('disable'); continue; }
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    if (!sep) throw invalidParameter(`invalid --security-opt 1: "${opt}"`);
    const i = opt.indexOf(sep);
    const k = opt.slice(0, i);
    const v = opt.slice(i + 1);
    switch (k) {
      case 'label': out.labels.push(v); break;
      case 'apparmor': out.apparmor = v; break;
      case 'seccomp': out.seccomp = v; break;
      case 'no-new-privileges':
      case 'writable-cgroups': {
        const b = parseBool(v);
        if (b === undefined) throw invalidParameter(`invalid --security-opt 2: "${opt}"`);
        if (k === 'no-new-privileges') out.noNewPrivileges = b;
        else out.writableCgroups = b;
        break;
      }
      default:
        throw invalidParameter(`invalid --security-opt 2: "${opt}"`);
    }
  }
  return out;
}

// The kernel's part: may an ordinary user make a user namespace, and mount overlayfs in one (or
// else is fuse-overlayfs there). Each is asked of the kernel by trying it — the sysctls say why
// it fails, not whether it works (an AppArmor policy or a seccomp filter can refuse too).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { missing, ok, type Finding } from './findings.ts';
import { aptInstall, findProgram } from './checks-ids.ts';

const SYSCTL_FILE = '/etc/sysctl.d/50-berth-rootless.conf';

function sysctl(name: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim();
  } catch {
    return undefined; // this kernel has no such setting
  }
}

/** A sysctl set now and at every boot. */
function setSysctl(name: string, value: string): string[] {
  return [`sysctl -w ${name}=${value}`, `echo '${name} = ${value}' >> ${SYSCTL_FILE}`];
}

export function userNamespaceCheck(): Finding {
  const max = sysctl('user.max_user_namespaces');
  if (max === '0') return missing('user namespaces are disabled (user.max_user_namespaces = 0)', { asRoot: setSysctl('user.max_user_namespaces', '28633') });
  // Debian's kernels before 5.10 and some others carry this switch.
  const clone = sysctl('kernel.unprivileged_userns_clone');
  if (clone !== undefined && clone !== '1') return missing(`unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = ${clone})`, { asRoot: setSysctl('kernel.unprivileged_userns_clone', '1') });
  const trial = spawnSync('unshare', ['--user', '--map-root-user', 'true'], { encoding: 'utf8' });
  const settings = `user.max_user_namespaces = ${max ?? 'n/a'}${clone === undefined ? '' : `, kernel.unprivileged_userns_clone = ${clone}`}`;
  if (trial.status === 0) return ok(`user namespaces (${settings})`);
  const why = (trial.error?.message ?? trial.stderr).trim();
  // Ubuntu 23.10 and later refuse them to programs without an AppArmor profile.
  if (sysctl('kernel.apparmor_restrict_unprivileged_userns') === '1') {
    return missing(`an ordinary user cannot make a user namespace: AppArmor restricts them (kernel.apparmor_restrict_unprivileged_userns = 1): ${why}`, { asRoot: setSysctl('kernel.apparmor_restrict_unprivileged_userns', '0') });
  }
  return missing(`an ordinary user cannot make a user namespace (${settings}): \`unshare --user --map-root-user true\` failed: ${why}`);
}

/**
 * overlayfs mounted in a user namespace, on the filesystem the data-root will be on (an upper
 * directory on overlayfs itself is refused, for one). With `userxattr` first, as berthd mounts it.
 */
export function overlayCheck(dataRoot: string): Finding {
  const base = writableAncestor(dataRoot);
  const dir = mkdtempSync(join(base, '.berth-overlay-check-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
    const dirs = `lowerdir=${join(dir, 'lower')},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;
    const errors: string[] = [];
    for (const opts of [`${dirs},userxattr`, dirs]) {
      const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'mount', '-t', 'overlay', 'overlay', '-o', opts, join(dir, 'merged')], { encoding: 'utf8' });
      if (r.status === 0) return ok(`overlayfs in a user namespace, on ${base}${opts.endsWith('userxattr') ? ' (userxattr)' : ''}`);
      errors.push((r.error?.message ?? r.stderr).trim());
    }
    if (findProgram('fuse-overlayfs', process.env.PATH ?? '') && fuseUsable()) {
      return ok(`fuse-overlayfs (the kernel refuses overlayfs in a user namespace on ${base}: ${errors[0]})`);
    }
    return missing(`the kernel refuses overlayfs in a user namespace on ${base} (${errors[0]}), and fuse-overlayfs is not there to stand in`, { asRoot: [aptInstall(['fuse-overlayfs'])] });
  } finally {
    // overlayfs leaves work/work with mode 000: opened up so that it can be removed.
    if (existsSync(join(dir, 'work', 'work'))) chmodSync(join(dir, 'work', 'work'), 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
}

function fuseUsable(): boolean {
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The nearest directory at or above `path` this user may write in (the data-root's filesystem). */
function writableAncestor(path: string): string {
  for (let p = path; ; p = dirname(p)) {
    if (existsSync(p)) {
      try {
        accessSync(p, constants.W_OK);
        return p;
      } catch {
        // read-only for this user: the data-root would be made further down, try the parent
      }
    }
    if (p === dirname(p)) return '/tmp';
  }
}

/**
 * /dev/net/tun opened by the user: slirp4netns makes the namespace's tap device through it, and
 * without it rootlesskit cannot start at all. Hosts without udev leave it 0600 (udev makes it
 * 0666; any user may open it, making a device still needs CAP_NET_ADMIN in one's own namespace).
 */
export function tunCheck(path = '/dev/net/tun'): Finding {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return ok(`${path} (slirp4netns's tap device)`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return missing(`${path} does not exist: slirp4netns needs the tun module`, { asRoot: ['modprobe tun'] });
    return missing(`${path} cannot be opened by this user (${code}): slirp4netns makes the namespace's network device through it (udev's default mode is 0666)`, { asRoot: [`chmod 0666 ${path}`] });
  }
}

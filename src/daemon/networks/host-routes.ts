// The subnets routed on the host, which a new network's subnet must not overlap (as dockerd
// checks before it picks one from the pools): `ip -j route` for IPv4 and IPv6, default routes
// left out.
import { mustRun } from '../../network/run-tool.ts';
import { parseCidr } from './addresses.ts';

interface IpRoute { dst?: string; dev?: string }

/** CIDRs routed on the host, with the device each goes through. */
export async function hostRoutes(): Promise<{ dst: string; dev: string }[]> {
  // Both families at once: each `ip` is a run (in the host helper) that berthd's start waits for.
  const lists = await Promise.all(['-4', '-6'].map(async (family) => ({ family, stdout: await mustRun('ip', ['-j', family, 'route', 'show', 'table', 'main']) })));
  const out: { dst: string; dev: string }[] = [];
  for (const { family, stdout } of lists) {
    for (const r of (stdout.trim() ? JSON.parse(stdout) : []) as IpRoute[]) {
      if (!r.dst || r.dst === 'default') continue;
      // A host route ("10.0.0.5") is a /32 (or /128).
      const dst = r.dst.includes('/') ? r.dst : `${r.dst}/${family === '-4' ? 32 : 128}`;
      if (parseCidr(dst)) out.push({ dst, dev: r.dev ?? '' });
    }
  }
  return out;
}

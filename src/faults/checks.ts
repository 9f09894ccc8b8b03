// The checks after every restart and at the end of each phase, on a quiet daemon (no request
// in flight): no half-made object is visible, and nothing is left on the host for containers
// that are gone or not running. Each returns findings (empty: all is well).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BerthClient } from '../client/index.ts';
import { mountTable } from '../image/layers/index.ts';
import { cgroupsOf } from '../testing/leftovers.ts';
import { processesUnder, type FaultDaemon } from './fault-daemon.ts';
import { unlessNotFound } from '../testing/api.ts';

interface GraphDriver {
  GraphDriver?: { Name: string; Data: Record<string, string> | null };
}

/** Every listed container and image whole: its layers on disk, its image there, its tags
 * resolving to it; and no layer directory that nothing uses (what a crash mid-import leaves
 * is collected at startup). */
export async function checkWhole(client: BerthClient, dataRoot: string): Promise<string[]> {
  const findings: string[] = [];
  const used = new Set<string>();
  for (const s of await client.containers.list({ all: true })) {
    // One that removes itself (--rm) may go between the list and its inspect.
    const c = (await unlessNotFound(client.containers.inspect(s.Id))) as (GraphDriver & { Image: string; State: { Status: string } }) | undefined;
    if (!c) continue;
    const name = `container ${s.Id.slice(0, 12)}`;
    if (c.State.Status === 'removing') findings.push(`${name}: still "removing" on a quiet daemon`);
    findings.push(...layerDirs(name, c, used, ['UpperDir', 'WorkDir', 'LowerDir']));
    await client.images.inspect(c.Image).catch((e: Error) => findings.push(`${name}: its image ${c.Image.slice(7, 19)}: ${e.message}`));
  }
  for (const s of await client.images.list({ all: true })) {
    const image = (await client.images.inspect(s.Id)) as GraphDriver & { Id: string; RepoTags?: string[] | null };
    const name = `image ${s.Id.slice(7, 19)}`;
    findings.push(...layerDirs(name, image, used, ['UpperDir', 'LowerDir']));
    for (const tag of image.RepoTags ?? []) {
      const to = await client.images.inspect(tag).then((i) => i.Id, (e: Error) => e.message);
      if (to !== image.Id) findings.push(`${name}: tag ${tag} resolves to ${to}`);
    }
  }
  const home = join(dataRoot, 'overlay2');
  for (const id of existsSync(home) ? readdirSync(home).filter((n) => /^[0-9a-f]{64}$/.test(n)) : []) {
    if (!used.has(join(home, id))) findings.push(`layer directory ${id.slice(0, 12)} belongs to no image or container`);
  }
  return findings;
}

/** The directories a container's or image's GraphDriver names must exist; notes their layers. */
function layerDirs(name: string, o: GraphDriver, used: Set<string>, keys: string[]): string[] {
  const data = o.GraphDriver?.Data ?? {};
  const out: string[] = [];
  for (const key of keys) {
    for (const dir of (data[key] ?? '').split(':').filter(Boolean)) {
      if (!existsSync(dir)) out.push(`${name}: its ${key} ${dir} is missing`);
      used.add(join(dir, '..'));
    }
  }
  return out;
}

/** Right after a start: the staging directories the daemon clears at startup are empty. */
export function checkStagingEmpty(dataRoot: string): string[] {
  const staging = join(dataRoot, 'overlay2', '.staging');
  const left = existsSync(staging) ? readdirSync(staging) : [];
  return left.length ? [`overlay2/.staging not cleared at startup: ${left.join(', ')}`] : [];
}

/**
 * No mount, monitor process or cgroup for a container that is gone or not running; those of
 * created containers are allowed while `preparedAllowed` (a prepared start holds them for its
 * 10 s). Mounts under the daemon's directory other than a live container's rootfs are findings.
 */
export async function checkLeftovers(fd: FaultDaemon, client: BerthClient, seen: ReadonlySet<string>, preparedAllowed: boolean): Promise<string[]> {
  const listed = await client.containers.list({ all: true });
  const live = new Set(listed.filter((c) => c.State === 'running' || c.State === 'paused' || (preparedAllowed && c.State === 'created')).map((c) => c.Id));
  const allowedMounts = new Set<string>();
  for (const id of live) {
    const c = (await unlessNotFound(client.containers.inspect(id))) as GraphDriver | undefined;
    const merged = c?.GraphDriver?.Data?.MergedDir;
    if (merged) allowedMounts.add(merged);
  }
  const findings: string[] = [];
  // The data-root itself may be a mount of the run's (disk-full.ts: a small tmpfs).
  for (const m of mountTable().filter((m) => m.point.startsWith(`${fd.dir}/`) && !allowedMounts.has(m.point) && m.point !== fd.dataRoot)) findings.push(`mount left: ${m.point}`);
  // berth-dns is the daemon's, not a container's: kernel-leftovers.ts looks at it.
  for (const p of processesUnder(fd.dir).filter((p) => p.pid !== fd.daemon.pid && !p.cmd.includes('berth-dns'))) {
    const ids = p.cmd.match(/[0-9a-f]{64}/g) ?? [];
    if (!ids.some((id) => live.has(id))) findings.push(`process left: ${p.pid} ${p.cmd.slice(0, 200)}`);
  }
  const notLive = [...seen].filter((id) => !live.has(id));
  for (const cg of cgroupsOf(notLive)) findings.push(`cgroup left: ${cg}`);
  return findings;
}

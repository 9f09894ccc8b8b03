// The data-root's file system full: berthd on a small tmpfs, filled to the last few KiB by a
// file of ours; then create, pull, build and commit must each fail with a clean error (an
// answer, or an error message in the stream, that says there is no space — never a hang or a
// reset, never a 5xx without the reason), leave nothing half made (checks.ts), and once the
// file is gone the same four must work.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statfsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BerthClient } from '../client/index.ts';
import { importImage, progressRequest } from '../testing/api.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { startRegistry } from '../testing/registry.ts';
import { within } from '../testing/until.ts';
import { FaultDaemon } from './fault-daemon.ts';
import { checkLeftovers, checkWhole } from './checks.ts';
import { outcomeOf } from './outcome.ts';
import { runPhase, type PhaseIo } from './phase.ts';
import { tarOf } from './service-ops.ts';

const SIZE_MB = 64;
const NO_SPACE = /no space|disk is full|ENOSPC/i;

export async function diskPhase(io: PhaseIo): Promise<string[]> {
  const fd = new FaultDaemon();
  const registry = await startRegistry();
  const filler = join(fd.dataRoot, 'filler');
  return runPhase('disk phase', fd, io, async (findings) => {
    mkdirSync(fd.dataRoot, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m,mode=0711`, 'berth-faults-full', fd.dataRoot]);
    if (mounted.status !== 0) throw new Error(`cannot mount a tmpfs data-root: ${mounted.stderr}`);
    await fd.start();
    const c = fd.client();
    const base = await importImage(c.api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
    // What pull will fetch: a 1 MiB layer pushed, then removed here.
    const remote = `${registry.host}/faults/full`;
    await importImage(c.api, oneFile(1 << 20), { repo: remote, tag: 'v1' });
    await progressRequest(c.api, 'POST', `/images/${remote}/push`, { query: { tag: 'v1' }, headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64url') } });
    await c.images.remove(`${remote}:v1`);
    // What commit will take: a container that wrote 4 MiB while there was room.
    const { Id: writer } = await c.containers.create({ Image: base, Cmd: ['sh', '-c', 'dd if=/dev/urandom of=/big bs=1M count=4 2>/dev/null'], HostConfig: { NetworkMode: 'none' } });
    await c.containers.start(writer);
    await within('the writer to exit', c.containers.wait(writer, 'not-running'), 30_000);
    const before = await imageIds(c);
    io.say(`== data-root full (a ${SIZE_MB} MiB tmpfs): create, pull, build and commit`);
    fill(fd.dataRoot, filler);
    const ops = operations(c, base, remote, writer);
    for (const [name, op] of Object.entries(ops)) {
      const err = await within(`${name} on a full data-root`, op().then(() => undefined, (e: unknown) => e), 60_000).catch((e: Error) => new Error(`hang: ${e.message}`));
      if (err === undefined) findings.push(`${name}: succeeded on a full data-root (${free(fd.dataRoot)} bytes free)`);
      else if (outcomeOf(err).label === 'error' && !NO_SPACE.test((err as Error).message)) findings.push(`${name}: no clean answer: ${(err as Error).message}`);
      else if (!NO_SPACE.test((err as Error).message)) findings.push(`${name}: the error does not say there is no space: ${(err as Error).message.slice(0, 300)}`);
      else io.say(`  ${name}: ${(err as Error).message.slice(0, 160)}`);
    }
    const extra = (await imageIds(c)).filter((id) => !before.includes(id));
    if (extra.length) findings.push(`images made while the disk was full: ${extra.join(', ')}`);
    findings.push(...(await checkWhole(c, fd.dataRoot)).map((f) => `while full: ${f}`));
    rmSync(filler);
    for (const [name, op] of Object.entries(ops)) await within(`${name} after space was freed`, op(), 60_000).catch((e: Error) => findings.push(`${name} after space was freed: ${e.message}`));
    findings.push(...(await checkWhole(c, fd.dataRoot)).map((f) => `after space was freed: ${f}`));
    for (const x of await c.containers.list({ all: true })) await c.containers.remove(x.Id, { force: true });
    findings.push(...(await io.settle(() => checkLeftovers(fd, c, new Set([writer]), false), 10_000)).map((f) => `after the disk phase: ${f}`));
  }, {
    after: () => registry.stop(),
    // The tmpfs is ours: the teardown detaches it with the rest, and says so only for others.
    showNote: (note) => !note.endsWith(` ${fd.dataRoot}`),
  });
}

/** The four operations; each throws what the daemon answered (an error message in a stream too). */
function operations(c: BerthClient, base: string, remote: string, writer: string): Record<string, () => Promise<unknown>> {
  const streamed = async (p: Promise<{ error?: string }[]>) => {
    const failed = (await p).find((m) => m.error);
    if (failed) throw new Error(failed.error);
  };
  return {
    create: () => c.containers.create({ Image: base, Cmd: ['true'] }),
    pull: () => streamed(progressRequest(c.api, 'POST', '/images/create', { query: { fromImage: remote, tag: 'v1' } })),
    build: () => {
      const p = tarOf({ Dockerfile: `FROM busybox:latest\nRUN dd if=/dev/urandom of=/big bs=1M count=3 2>/dev/null && echo ${Math.random()}\n` });
      return streamed(progressRequest(c.api, 'POST', '/build', { query: { t: 'faults/full-build:v1', rm: '1', forcerm: '1' }, body: p, headers: { 'Content-Type': 'application/x-tar' } }));
    },
    commit: () => c.api.json('POST', '/commit', { query: { container: writer, repo: 'faults/committed', tag: 'v1' } }),
  };
}

/** Fills the file system to its last 32 KiB. */
function fill(dir: string, file: string): void {
  const room = free(dir) - 32 * 1024;
  if (room > 0) writeFileSync(file, Buffer.alloc(room));
}

function free(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

function oneFile(size: number): Readable {
  return tarOf({ blob: Buffer.alloc(size, 7) });
}

async function imageIds(c: BerthClient): Promise<string[]> {
  return (await c.images.list({ all: true })).map((i) => i.Id);
}

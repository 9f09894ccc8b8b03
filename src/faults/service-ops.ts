// The operations of the service loop (service-loop.ts), each one request (or the pair a
// `docker run -d` is) whose answer is what the ledger records: networks made, joined, left and
// removed; containers run with a volume that copy-up fills, with a published port, or on a user
// network; a small multi-step build; an image pushed to a loopback registry and pulled back.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { BerthClient } from '../client/index.ts';
import { progressRequest, unlessNotFound, type ProgressMessage } from '../testing/api.ts';
import { BerthError } from '../api/types/errors.ts';

/** Where the copy-up image has its files, and how many. */
export const VOLUME_PATH = '/data';
export const VOLUME_FILES = 600;
/** In every build step's command: how a build's container is told from the others. */
export const STEP_MARK = 'faults-step';

/** The copy-up image's extra files: VOLUME_FILES small files under /data. */
export function copyUpFiles(): Record<string, string> {
  return Object.fromEntries(Array.from({ length: VOLUME_FILES }, (_, i) => [`data/f${String(i).padStart(5, '0')}`, `${i}\n`.repeat(200)]));
}

export interface Env {
  client: BerthClient;
  /** The busybox image's id, and the copy-up image's. */
  base: string;
  withData: string;
  /** host:port of the loopback registry. */
  registry: string;
}

/** create + start; the create's answer (the id) is passed to `created` before the start. */
export async function runDetached(c: BerthClient, body: Record<string, unknown>, created: (id: string) => void): Promise<string> {
  const { Id } = await c.containers.create(body as Parameters<BerthClient['containers']['create']>[0]);
  created(Id);
  await c.containers.start(Id);
  return Id;
}

export const runOnNetwork = (e: Env, network: string) => ({ Image: e.base, Cmd: ['sleep', '1000'], HostConfig: { NetworkMode: network } });
export const runWithVolume = (e: Env, volume: string) => ({
  Image: e.withData, Cmd: ['sleep', '1000'], HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: VOLUME_PATH }] },
});
export const runWithPort = (e: Env) => ({
  Image: e.base, Cmd: ['httpd', '-f', '-p', '80'], ExposedPorts: { '80/tcp': {} },
  HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
});

/** POST /build of a three-step Dockerfile (RUN, COPY, RUN: ~1 s a RUN on a busy machine) whose steps differ per build (no cache hit). */
export async function build(e: Env, tag: string): Promise<string> {
  const dockerfile = [
    'FROM busybox:latest',
    'ARG N',
    `RUN echo "$N" > /one # ${STEP_MARK}`,
    'COPY f /f',
    `RUN cat /one /f > /all # ${STEP_MARK}`,
  ].join('\n');
  const p = tarOf({ Dockerfile: dockerfile, f: randomBytes(4096).toString('hex') });
  const query = { t: tag, buildargs: JSON.stringify({ N: tag }), rm: '1', forcerm: '1' };
  const messages = await progressRequest(e.client.api, 'POST', '/build', { query, body: p, headers: { 'Content-Type': 'application/x-tar' } });
  return done(messages, 'build');
}

/** A new one-layer image tagged <registry>/faults/pushed:<tag>, pushed; resolves with the ref. */
export async function importAndPush(e: Env, tag: string): Promise<string> {
  const ref = `${e.registry}/faults/pushed:${tag}`;
  const p = tarOf({ blob: randomBytes(256 * 1024) });
  done(await progressRequest(e.client.api, 'POST', '/images/create', { query: { fromSrc: '-', repo: `${e.registry}/faults/pushed`, tag }, body: p, headers: { 'Content-Type': 'application/x-tar' } }), 'import');
  done(await progressRequest(e.client.api, 'POST', `/images/${e.registry}/faults/pushed/push`, { query: { tag }, headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64url') } }), 'push');
  return ref;
}

/** rmi (when here) and pull again of a pushed reference. */
export async function removeAndPull(e: Env, ref: string): Promise<void> {
  await unlessNotFound(e.client.images.remove(ref, { force: true }));
  const [name, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
  done(await progressRequest(e.client.api, 'POST', '/images/create', { query: { fromImage: name, tag } }), 'pull');
}

/** A tar of `files` as a request body. A body cut off by the kill errors: the request's own
 * failure says so, so the stream's error is not an unhandled one (which would end the run). */
export function tarOf(files: Record<string, string | Buffer>): Readable {
  const p = pack();
  p.on('error', () => undefined);
  for (const [name, body] of Object.entries(files)) p.entry({ name, mode: 0o644 }, body);
  p.finalize();
  return p as unknown as Readable;
}

/** A stream's error message becomes a rejection (a 500 in the tally: a finding). */
function done(messages: ProgressMessage[], what: string): string {
  const failed = messages.find((m) => m.error);
  if (failed) throw new BerthError('system', `${what}: ${failed.error}`);
  const id = messages.findLast((m) => m.aux?.ID)?.aux?.ID ?? messages.at(-1)?.status ?? '';
  return id;
}

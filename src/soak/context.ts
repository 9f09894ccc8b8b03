// What a scenario gets: its client's connection, the recorder, a name prefix no other client
// uses (so that every failure is unexpected: no client touches another's objects), and the
// helpers the scenarios share.
import type { Duplex } from 'node:stream';
import type { BerthClient } from '../client/index.ts';
import { isKind } from '../api/types/errors.ts';
import type { Recorder } from './recorder.ts';

export interface Ctx {
  client: BerthClient;
  rec: Recorder;
  /** soak-<client>-<round>: the prefix of every object this round makes. */
  tag: string;
  /** The client number (labels its volumes, for its own prune). */
  index: number;
  image: string;
  /** Every container id created (for the leak checks at the end). */
  created: Set<string>;
  /** Every network id created. */
  networks: Set<string>;
}

/** A share of the operations is followed by a list, so that list latency is sampled all along. */
const LIST_SHARE = 0.3;

/** One recorded operation, now and then followed by a recorded list. */
export async function op<T>(c: Ctx, kind: string, fn: () => Promise<T>): Promise<T> {
  const value = await c.rec.op(kind, fn);
  if (Math.random() < LIST_SHARE) await c.rec.op('containers.list', () => c.client.containers.list({ all: true }));
  return value;
}

/** A removal in a scenario's cleanup: gone already (the scenario removed it) is fine; any other
 * error is recorded as a failure of `kind`. */
export async function cleanUp(c: Ctx, kind: string, removal: Promise<unknown>): Promise<void> {
  await removal.catch((err: unknown) => {
    if (!isKind(err, 'not-found')) c.rec.fail(kind, err);
  });
}

/** rm -f in a scenario's cleanup. */
export async function removeQuietly(c: Ctx, id: string | undefined): Promise<void> {
  if (id !== undefined) await cleanUp(c, 'cleanup.containers.remove', c.client.containers.remove(id, { force: true }));
}

export async function createContainer(c: Ctx, body: Record<string, unknown>, name: string): Promise<string> {
  const { Id } = await op(c, 'containers.create', () => c.client.containers.create({ Image: c.image, ...body }, name));
  c.created.add(Id);
  return Id;
}

/** The whole of a hijacked stream (exec output), as text. */
export async function readAll(socket: Duplex): Promise<string> {
  let text = '';
  for await (const chunk of socket) text += (chunk as Buffer).toString('latin1');
  return text;
}

export async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

/** Runs a command in a running container; rejects unless it exits 0. Returns its output. */
export async function execIn(c: Ctx, id: string, cmd: string[]): Promise<string> {
  const { Id } = await c.client.exec.create(id, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const { socket } = await c.client.exec.startAttached(Id, { Tty: false });
  const out = await readAll(socket);
  const { ExitCode } = await c.client.exec.inspect(Id);
  if (ExitCode !== 0) throw new Error(`exec ${cmd.join(' ')} exited ${ExitCode}: ${out.slice(0, 200)}`);
  return out;
}

export function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

/** A shell loop that ends at once on SIGTERM (pid 1 has no default action for it). */
export const IDLE = ['sh', '-c', 'trap "exit 0" TERM; echo started; while :; do sleep 1; done'];

// Persistent named network namespaces, as `ip netns add` makes them: a bind mount of the
// namespace on /run/netns/<name>, so it outlives the process that made it (a container's
// namespace is made before runc creates the container, and berthd may restart in between).
// Driven through iproute2 rather than by hand: making one needs unshare(2) and mount(2), which
// Node cannot call, and `ip netns add` fits in the same `ip -batch -` as the endpoint's veth pair.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { orIfMissing } from '../lib/log-failure.ts';
import { IpBatchError, ipBatch } from './ip-batch.ts';

export const NETNS_DIR = '/run/netns';

export function netnsPath(name: string): string {
  return `${NETNS_DIR}/${name}`;
}

export function netnsExists(name: string): boolean {
  return existsSync(netnsPath(name));
}

/** Makes a namespace with its loopback up (a ready namespace: a pool may keep some). */
export async function addNetns(name: string): Promise<void> {
  try {
    await ipBatch('adding network namespace', [`netns add ${name}`], { netns: name, commands: ['link set dev lo up'] });
  } catch (err) {
    if (err instanceof IpBatchError && err.failure.index !== 0) await deleteNetns(name);
    throw err;
  }
}

/** Idempotent. The kernel frees the namespace, and the veth pairs with an end in it, once
 * nothing holds it any more (a container's last process gone): deleting it is also the cheap
 * way to take a container's endpoints down (`link del` waits for the network to settle). */
export async function deleteNetns(name: string): Promise<void> {
  if (!netnsExists(name)) return;
  try {
    await ipBatch('deleting network namespace', [`netns delete ${name}`]);
  } catch (err) {
    if (netnsExists(name)) throw err; // else another caller deleted it meanwhile
  }
}

/** The names under /run/netns (restore's reconciliation, tests' leak checks). */
export async function listNetns(): Promise<string[]> {
  return (await readdir(NETNS_DIR).catch(orIfMissing([] as string[]))).sort();
}

// A run's PID and IPC namespaces when they are not its own, as dockerd gives them (the
// namespaces RunAttachment of attachments.ts; the network's are network-attachment.ts's):
// - `--pid container:<x>`: x's PID namespace (x running);
// - `--ipc shareable`: a namespace of its own whose /dev/shm is a tmpfs on the host
//   (<container dir>/shm, ShmSize), so another container can share it;
// - `--ipc container:<x>`: x's IPC namespace and x's /dev/shm (x running and shareable).
// dockerd's texts for what cannot be joined. Invariants of attachments.ts: setUp idempotent
// over a crashed run's leftovers (a mounted shm is kept), tearDown cheap when there is nothing
// to do (a container that is not shareable has no shm directory).
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRow } from '../../store/containers.ts';
import type { OciMount } from '../../runtime/spec/index.ts';
import { conflict, invalidParameter } from '../../api/types/errors.ts';
import { isMountRoot, unmountOrDetach } from '../../image/layers/mount.ts';
import { mount } from '../../image/layers/mount-syscalls.ts';
import { DEFAULT_SHM_SIZE } from '../../runtime/spec/mounts.ts';
import type { RunAttachment, SpecAdditions } from './attachments.ts';

export interface NamespaceJoinsDeps {
  resolve: (idOrName: string) => ContainerRow;
  containerDir: (id: string) => string;
}

/** Implements RunAttachment (attachments.ts). */
export class NamespaceJoins implements RunAttachment {
  readonly name = 'namespaces';
  readonly #d: NamespaceJoinsDeps;

  constructor(deps: NamespaceJoinsDeps) {
    this.#d = deps;
  }

  async setUp(c: ContainerRow): Promise<SpecAdditions> {
    const out: SpecAdditions = {};
    const pid = String(c.hostConfig.PidMode ?? '');
    if (pid.startsWith('container:')) out.pidnsPath = `/proc/${this.#running(pid, 'PID').pid}/ns/pid`;
    const ipc = String(c.hostConfig.IpcMode ?? '');
    if (ipc === 'shareable') out.mounts = [shmMount(await this.#mountShm(c))];
    else if (ipc.startsWith('container:')) {
      const donor = this.#running(ipc, 'IPC');
      if (donor.hostConfig.IpcMode !== 'shareable') throw invalidParameter(`can't join IPC of container ${donor.id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`);
      out.ipcnsPath = `/proc/${donor.pid}/ns/ipc`;
      out.mounts = [shmMount(this.#shmDir(donor.id))];
    }
    return out;
  }

  #running(mode: string, what: 'PID' | 'IPC'): ContainerRow {
    const other = this.#d.resolve(mode.slice('container:'.length));
    if (other.status !== 'running' && other.status !== 'paused') throw conflict(`cannot join ${what} of a non running container: ${other.id}`);
    return other;
  }

  #shmDir(id: string): string {
    return join(this.#d.containerDir(id), 'shm');
  }

  /** The shareable container's /dev/shm: a tmpfs of ShmSize, once (a crashed run's is kept). */
  async #mountShm(c: ContainerRow): Promise<string> {
    const dir = this.#shmDir(c.id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isMountRoot(dir)) {
      const size = Number(c.hostConfig.ShmSize) || DEFAULT_SHM_SIZE;
      await mount({ source: 'shm', target: dir, fstype: 'tmpfs', data: `mode=1777,size=${size}` });
    }
    return dir;
  }

  async tearDown(c: ContainerRow): Promise<void> {
    const dir = this.#shmDir(c.id);
    if (!existsSync(dir)) return;
    if (isMountRoot(dir)) await unmountOrDetach(dir);
    rmdirSync(dir);
  }

  async adopt(): Promise<void> {
    // A running container's namespaces and shm mount are the kernel's: nothing to take over.
  }

  async removed(): Promise<void> {
    // tearDown, before the removal, took the shm mount and its directory.
  }
}

function shmMount(source: string): OciMount {
  return { destination: '/dev/shm', type: 'bind', source, options: ['rbind', 'nosuid', 'noexec', 'nodev', 'rprivate'] };
}

const MODE = /^(|private|shareable|none|host|container:.+)$/;
const PID_MODE = /^(|private|host|container:.+)$/;

/** A create's IpcMode, PidMode and CgroupnsMode, checked as dockerd checks them; a container
 * to join must exist (not to run: that is the start's check). */
export function checkNamespaceModes(hc: { IpcMode?: unknown; PidMode?: unknown; CgroupnsMode?: unknown }, resolve: (idOrName: string) => unknown): void {
  const ipc = String(hc.IpcMode ?? '');
  if (!MODE.test(ipc)) throw invalidParameter(`invalid IPC mode: ${ipc}`);
  const pid = String(hc.PidMode ?? '');
  if (!PID_MODE.test(pid)) throw invalidParameter(`invalid PID mode: ${pid}`);
  const cgroupns = String(hc.CgroupnsMode ?? '');
  if (!['', 'private', 'host'].includes(cgroupns)) throw invalidParameter(`invalid cgroup namespace mode: ${cgroupns}`);
  for (const mode of [ipc, pid]) if (mode.startsWith('container:')) resolve(mode.slice('container:'.length));
}

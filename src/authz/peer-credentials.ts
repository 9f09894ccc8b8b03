// Who is at the other end of a unix socket: the kernel's SO_PEERCRED (pid, uid, primary gid as
// they were at connect) and SO_PEERGROUPS (the supplementary groups, Linux 4.13+). Node has no
// API for either, so getsockopt(2) is called through koffi.
//
// Why koffi rather than a small addon of our own: koffi ships prebuilt binaries on npm for every
// platform Node runs on (here @koromix/koffi-linux-x64), so installing berth needs no compiler
// and none of the node-gyp / nodedir trouble noted in DESIGN.md; the C we would write is one
// getsockopt call, which koffi's declaration below states as plainly. Its cost is ~100-160 ms to
// load, so it is loaded only by a daemon that has a policy, once, before it answers anyone.
// In the release bundle it stays external (scripts/bundle.mjs): koffi finds its .node file
// relative to its own package, which a bundle cannot reproduce.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
  /** Primary and supplementary groups, as the kernel recorded them at connect. */
  gids: number[];
}

const SOL_SOCKET = 1;
// x86-64, arm64, riscv64 (asm-generic); other architectures number these differently.
const SO_PEERCRED = 17;
const SO_PEERGROUPS = 59;
const MAX_GROUPS = 65536;

type GetSockOpt = (fd: number, level: number, name: number, value: Buffer, length: number[]) => number;

export class PeerCredentialReader {
  readonly #getsockopt: GetSockOpt;

  private constructor(getsockopt: GetSockOpt) {
    this.#getsockopt = getsockopt;
  }

  /** Loads koffi and libc's getsockopt; throws when koffi or its binary is missing. */
  static load(): PeerCredentialReader {
    if (!['x64', 'arm64', 'riscv64'].includes(process.arch)) throw new Error(`peer credentials: SO_PEERCRED numbers for ${process.arch} are not known`);
    // require(), not import(): the release bundle is CommonJS and koffi stays outside it.
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    const fn = libc.func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *length)');
    return new PeerCredentialReader(fn as GetSockOpt);
  }

  /** The peer of a connected unix socket; undefined when it has no file descriptor (or is not
   * a unix socket) — callers treat that as an unknown identity, never as root. */
  read(socket: Socket): PeerCredentials | undefined {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return undefined;
    const cred = Buffer.alloc(12);
    if (this.#getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, [cred.length]) !== 0) return undefined;
    const [pid, uid, gid] = [cred.readInt32LE(0), cred.readUInt32LE(4), cred.readUInt32LE(8)];
    return { pid, uid, gid, gids: [...new Set([gid, ...this.#groups(fd)])] };
  }

  #groups(fd: number): number[] {
    let buf = Buffer.alloc(4 * 64);
    const length = [buf.length];
    if (this.#getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, buf, length) !== 0) {
      // ERANGE: more groups than the buffer holds; the kernel said how many bytes it needs.
      if (length[0]! <= buf.length || length[0]! > 4 * MAX_GROUPS) return [];
      buf = Buffer.alloc(length[0]!);
      if (this.#getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, buf, length) !== 0) return [];
    }
    return Array.from({ length: length[0]! / 4 }, (_, i) => buf.readUInt32LE(i * 4));
  }
}

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
import { endianness } from 'node:os';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
  /** Primary and supplementary groups, as the kernel recorded them at connect. */
  gids: number[];
}

// The option numbers are the kernel's per architecture (uapi asm/socket.h), not libc's to
// give at run time: a wrong number reads another option and answers with a wrong uid, so an
// architecture not listed here has no reader at all. SOL_SOCKET is 1 on all of these.
// asm-generic numbering (x86, arm, riscv, loongarch, and s390, whose own header agrees);
// powerpc moves SO_PEERCRED (its SO_RCVLOWAT..SO_PASSCRED come first) but not SO_PEERGROUPS.
const GENERIC = { peerCred: 17, peerGroups: 59 };
const SOCKOPTS: Readonly<Partial<Record<string, { peerCred: number; peerGroups: number }>>> = {
  x64: GENERIC, ia32: GENERIC, arm: GENERIC, arm64: GENERIC, riscv64: GENERIC, loong64: GENERIC, s390x: GENERIC,
  ppc64: { peerCred: 21, peerGroups: 59 },
};
const SOL_SOCKET = 1;
const MAX_GROUPS = 65536;

type GetSockOpt = (fd: number, level: number, name: number, value: Buffer, length: number[]) => number;

export class PeerCredentialReader {
  readonly #getsockopt: GetSockOpt;
  readonly #opts: { peerCred: number; peerGroups: number };
  // struct ucred and the gid array are in the host's byte order (s390x is big-endian).
  readonly #le = endianness() === 'LE';

  private constructor(getsockopt: GetSockOpt, opts: { peerCred: number; peerGroups: number }) {
    this.#getsockopt = getsockopt;
    this.#opts = opts;
  }

  /** Loads koffi and libc's getsockopt; throws, saying why, on an architecture whose option
   * numbers are not known here or when koffi or its binary is missing. */
  static load(arch: string = process.arch): PeerCredentialReader {
    const opts = SOCKOPTS[arch];
    if (!opts) throw new Error(`the SO_PEERCRED option numbers of ${arch} are not known to berthd (known: ${Object.keys(SOCKOPTS).join(', ')})`);
    // require(), not import(): the release bundle is CommonJS and koffi stays outside it.
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    const fn = libc.func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *length)');
    return new PeerCredentialReader(fn as GetSockOpt, opts);
  }

  /** The peer of a connected unix socket; undefined when it has no file descriptor (or is not
   * a unix socket) — callers treat that as an unknown identity, never as root. */
  read(socket: Socket): PeerCredentials | undefined {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return undefined;
    const cred = Buffer.alloc(12);
    if (this.#getsockopt(fd, SOL_SOCKET, this.#opts.peerCred, cred, [cred.length]) !== 0) return undefined;
    const [pid, uid, gid] = [this.#le ? cred.readInt32LE(0) : cred.readInt32BE(0), this.#u32(cred, 4), this.#u32(cred, 8)];
    return { pid, uid, gid, gids: [...new Set([gid, ...this.#groups(fd)])] };
  }

  #groups(fd: number): number[] {
    let buf = Buffer.alloc(4 * 64);
    const length = [buf.length];
    if (this.#getsockopt(fd, SOL_SOCKET, this.#opts.peerGroups, buf, length) !== 0) {
      // ERANGE: more groups than the buffer holds; the kernel said how many bytes it needs.
      if (length[0]! <= buf.length || length[0]! > 4 * MAX_GROUPS) return [];
      buf = Buffer.alloc(length[0]!);
      if (this.#getsockopt(fd, SOL_SOCKET, this.#opts.peerGroups, buf, length) !== 0) return [];
    }
    return Array.from({ length: length[0]! / 4 }, (_, i) => this.#u32(buf, i * 4));
  }

  #u32(buf: Buffer, at: number): number {
    return this.#le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }
}

// A busybox root filesystem made from the host's static busybox (Debian's busybox-static):
// /bin/busybox, one symlink per applet, and the few files a container expects. Tests and the
// demo import it as the `busybox` image — no network needed.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';

export const BUSYBOX_BIN = '/bin/busybox';

export function busyboxApplets(): string[] {
  return execFileSync(BUSYBOX_BIN, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
}

/** The rootfs as an uncompressed tar stream. */
export function busyboxRootfs(extra: Record<string, string> = {}): Readable {
  const p = pack();
  const mtime = new Date(0);
  const dir = (name: string, mode = 0o755) => p.entry({ name, type: 'directory', mode, mtime });
  for (const d of ['bin/', 'dev/', 'etc/', 'home/', 'proc/', 'root/', 'sys/', 'usr/', 'var/']) dir(d);
  dir('tmp/', 0o1777);
  const bin = readFileSync(BUSYBOX_BIN);
  p.entry({ name: 'bin/busybox', mode: statSync(BUSYBOX_BIN).mode & 0o7777, size: bin.length, mtime }, bin);
  for (const applet of busyboxApplets()) p.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mtime });
  const files: Record<string, string> = {
    'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
    ...extra,
  };
  for (const [name, text] of Object.entries(files)) p.entry({ name, mode: 0o644, mtime }, text);
  p.finalize();
  return p as unknown as Readable;
}

// The writable layer as `docker commit` takes it: without what every run mounts over the rootfs
// (the mountpoints of /etc/hosts, /etc/hostname, /etc/resolv.conf — empty files —, and /etc when
// only they put it there; /dev, /proc, /sys when empty; /.dockerenv and /etc/mtab as
// init-files.ts makes them). dockerd keeps those in the container's
// init layer, so a commit never carries them; rw-changes.ts hides them from `docker diff` alike.
// Two reads of the layer: the first lists what is in it, the second leaves those entries out.
import type { Readable } from 'node:stream';
import { extract, pack, type Header } from 'tar-stream';
import { DOCKERENV, MTAB, MTAB_TARGET } from './init-files.ts';

const FILES = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf']);
const DIRS = new Set(['dev', 'proc', 'sys']);

/** /.dockerenv and /etc/mtab as init-files.ts makes them (an empty file, the link to /proc/mounts). */
const asMade = (name: string, h: Header): boolean =>
  (name === DOCKERENV.slice(1) && h.type === 'file' && (h.size ?? 0) === 0) || (name === MTAB.slice(1) && h.type === 'symlink' && h.linkname === MTAB_TARGET);

const clean = (name: string): string => name.replace(/^\.?\//, '').replace(/\/$/, '');

async function headers(tar: Readable): Promise<{ name: string; header: Header }[]> {
  const out: { name: string; header: Header }[] = [];
  const x = extract();
  tar.pipe(x);
  for await (const entry of x) {
    out.push({ name: clean(entry.header.name), header: entry.header });
    entry.resume();
  }
  return out;
}

/** A factory of the layer's tar without the runtime's mountpoints. */
export async function commitTar(rwTar: () => Readable): Promise<() => Readable> {
  const entries = await headers(rwTar());
  const isMountpoint = (name: string, h: Header): boolean =>
    (FILES.has(name) && (h.size ?? 0) === 0) || (DIRS.has(name) && !entries.some((e) => e.name.startsWith(`${name}/`))) || asMade(name, h);
  // /etc itself goes too when everything of it in the layer is left out.
  const inEtc = entries.filter((e) => e.name.startsWith('etc/'));
  const etcOnlyForFiles = inEtc.length > 0 && inEtc.every((e) => isMountpoint(e.name, e.header));
  return () => {
    const src = rwTar();
    const out = pack();
    const x = extract();
    // A reader may stop early (the empty check reads one chunk): everything upstream goes then.
    out.on('close', () => {
      src.destroy();
      x.destroy();
    });
    x.on('entry', (header, stream, next) => {
      const name = clean(header.name);
      if (out.destroyed || isMountpoint(name, header) || (name === 'etc' && etcOnlyForFiles)) {
        stream.on('end', next).resume();
        return;
      }
      const entry = out.entry(header, next);
      entry.on('error', (err) => x.destroy(err));
      // A reader that stops early destroys the entry, and the pipe then destroys this stream
      // with an error: without a listener that error would be uncaught.
      stream.on('error', (err) => x.destroy(err));
      stream.pipe(entry);
    });
    x.on('finish', () => out.finalize());
    x.on('error', (err) => out.destroy(err));
    src.on('error', (err) => x.destroy(err));
    src.pipe(x);
    return out as unknown as Readable;
  };
}

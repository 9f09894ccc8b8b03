// vfs keeps full copies, so a vfs layer's tar is computed by comparing its directory with its
// parent's, like docker's "naive diff": an entry is changed if its type, mode, owner, mtime,
// size, device, link target or xattrs differ (contents with equal size and mtime are assumed
// equal, as docker assumes). Deleted entries become whiteouts; there are no opaque markers,
// each hidden entry gets its own whiteout. A directory is written when it changed or anything
// below it did, so its permissions travel with its new children.
import type { Stats } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { lstatOrNull } from './safe-path.ts';
import { sortNames, type Change } from './tar-layer.ts';
import { isPrivateXattr, type XattrMap } from './xattr.ts';

type Xattrs = ReadonlyMap<string, XattrMap>;

export async function* vfsChanges(child: string, parent: string | undefined, cx: Xattrs, px: Xattrs): AsyncGenerator<Change> {
  yield* await diffDir(child, parent, '', cx, px);
}

async function diffDir(cDir: string, pDir: string | undefined, rel: string, cx: Xattrs, px: Xattrs): Promise<Change[]> {
  const cNames = await readdir(cDir);
  const pNames = new Set(pDir === undefined ? [] : await readdir(pDir));
  const out: Change[] = [];
  for (const name of sortNames([...new Set([...cNames, ...pNames])])) {
    const r = rel ? `${rel}/${name}` : name;
    const cAbs = join(cDir, name);
    const pAbs = pDir !== undefined && pNames.has(name) ? join(pDir, name) : undefined;
    const cs = await lstatOrNull(cAbs);
    const ps = pAbs === undefined ? null : await lstatOrNull(pAbs);
    if (cs === null) {
      out.push({ kind: 'whiteout', rel: r });
      continue;
    }
    if (ps === null || typeOf(cs) !== typeOf(ps)) {
      out.push(...(await whole(cAbs, r, cs)));
      continue;
    }
    const changed = await differs(cAbs, cs, pAbs!, ps, cx, px);
    if (cs.isDirectory()) {
      const below = await diffDir(cAbs, pAbs, r, cx, px);
      if (changed || below.length > 0) out.push({ kind: 'path', rel: r, abs: cAbs, st: cs }, ...below);
    } else if (changed) {
      out.push({ kind: 'path', rel: r, abs: cAbs, st: cs });
    }
  }
  return out;
}

/** A new entry: it and everything below it. */
async function whole(abs: string, rel: string, st: Stats): Promise<Change[]> {
  const out: Change[] = [{ kind: 'path', rel, abs, st }];
  if (!st.isDirectory()) return out;
  for (const name of sortNames(await readdir(abs))) {
    const childAbs = join(abs, name);
    const childSt = await lstatOrNull(childAbs);
    if (childSt !== null) out.push(...(await whole(childAbs, `${rel}/${name}`, childSt)));
  }
  return out;
}

function typeOf(st: Stats): number {
  return st.mode & 0o170000;
}

async function differs(cAbs: string, cs: Stats, pAbs: string, ps: Stats, cx: Xattrs, px: Xattrs): Promise<boolean> {
  if (cs.mode !== ps.mode || cs.uid !== ps.uid || cs.gid !== ps.gid || cs.mtimeMs !== ps.mtimeMs) return true;
  if (!cs.isDirectory() && cs.size !== ps.size) return true;
  if ((cs.isCharacterDevice() || cs.isBlockDevice()) && cs.rdev !== ps.rdev) return true;
  if (cs.isSymbolicLink() && (await readlink(cAbs)) !== (await readlink(pAbs))) return true;
  return !sameXattrs(cx.get(cAbs), px.get(pAbs));
}

function sameXattrs(a: XattrMap | undefined, b: XattrMap | undefined): boolean {
  const pub = (m: XattrMap | undefined) => [...(m ?? [])].filter(([k]) => !isPrivateXattr(k));
  const x = pub(a);
  const y = new Map(pub(b));
  return x.length === y.size && x.every(([k, v]) => y.get(k)?.equals(v) === true);
}

// Runs the builder in unit tests: a context directory with the given files, the real parser
// and context functions, an in-memory host (memory-host.test-helpers.ts says why).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FsView } from '../../image/copy/fs-view.ts';
import type { BuildOptions } from '../options.ts';
import { runBuild } from './build.ts';
import { frontend } from './frontend.ts';
import { MemoryHost } from './memory-host.test-helpers.ts';

export const BUSYBOX_FILES = {
  '/bin/sh': '#!busybox',
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
  '/etc/group': 'root:x:0:\nnogroup:x:65534:\n',
  '/tmp/.keep': '',
};

/** A host with "busybox" (CMD ["sh"], no Env), as the tests' image. */
export function busyboxHost(): MemoryHost {
  const host = new MemoryHost();
  host.addImage('busybox', { Cmd: ['sh'] }, BUSYBOX_FILES);
  return host;
}

export const defaults: BuildOptions = { dockerfile: 'Dockerfile', tags: [], buildArgs: {}, labels: {}, noCache: false, pull: false, rm: true, forceRm: false, quiet: false, cacheFrom: [], networkMode: 'default', extraHosts: [] };

export interface Built {
  imageId?: string;
  error?: unknown;
  text: string;
  aux: unknown[];
}

export async function build(dockerfile: string, o: Partial<BuildOptions> & { host?: MemoryHost; files?: Record<string, string>; signal?: AbortSignal; onStream?: (text: string) => void } = {}): Promise<Built> {
  const host = o.host ?? busyboxHost();
  const dir = await mkdtemp(join(tmpdir(), 'berth-builder-test-'));
  const text: string[] = [];
  const aux: unknown[] = [];
  try {
    for (const [p, c] of Object.entries(o.files ?? {})) {
      await mkdir(dirname(join(dir, p)), { recursive: true });
      await writeFile(join(dir, p), c);
    }
    const ctx = { root: new FsView(dir), dockerfile: { name: 'Dockerfile', text: dockerfile }, dispose: async () => {} };
    const out = { stream: (t: string) => (text.push(t), o.onStream?.(t)), aux: (v: unknown) => aux.push(v) };
    const r = await runBuild(frontend, ctx, { ...defaults, ...o }, host, out, o.signal ?? new AbortController().signal);
    return { imageId: r.imageId, text: text.join(''), aux };
  } catch (error) {
    return { error, text: text.join(''), aux };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Output with 12-hex ids replaced by "ID", for comparing whole transcripts. */
export const masked = (text: string): string => text.replace(/\b[0-9a-f]{12}\b/g, 'ID');

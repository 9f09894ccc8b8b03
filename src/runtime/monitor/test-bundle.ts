// OCI bundles for the monitor's tests: the busybox rootfs (src/testing/busybox.ts) extracted with
// tar, and runc's own `runc spec` template edited as JSON. Deliberately independent of berth's
// spec builder, so these tests exercise conmon and runc only.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { within } from '../../testing/until.ts';

export interface BundleOptions {
  args: string[];
  terminal?: boolean;
  /** Without its own pid namespace the process is not pid 1, so default signal actions apply
   * (a pid-1 `sleep` ignores SIGTERM). */
  pidNamespace?: boolean;
}

export async function makeBundle(dir: string, o: BundleOptions): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs, { recursive: true });
  const tar = spawn('tar', ['-x', '-C', rootfs], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => tar.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`tar exited ${c}`)))));
  await pipeline(busyboxRootfs(), tar.stdin);
  await within('tar -x of the busybox rootfs', done, 60_000);
  execFileSync('runc', ['spec', '--bundle', dir]);
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  config.process.args = o.args;
  config.process.terminal = o.terminal ?? false;
  config.root = { path: 'rootfs', readonly: false };
  // No network namespace needed for these tests; keep the pid one unless asked.
  config.linux.namespaces = config.linux.namespaces.filter(
    (ns: { type: string }) => ns.type !== 'network' && (o.pidNamespace !== false || ns.type !== 'pid'),
  );
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

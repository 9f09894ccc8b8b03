// Side-by-side figures for berthd and Debian's dockerd 20.10 in the same run, driven by the
// real docker CLI: time until the daemon answers, idle memory, the pull of a 200 MB, 5-layer
// image from a registry on 127.0.0.1 (median of three, image removed between runs), and
// GET /images/json with 500 images.
// Run with `make bench`; it is never part of `make test` (these machines are noisy).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { pack } from 'tar-stream';
import { RegistryClient, pushImage } from '../image/registry/index.ts';
import { parseReference } from '../image/reference.ts';
import { sha256 } from '../image/digest.ts';
import { MEDIA, type Descriptor, type Manifest } from '../image/types.ts';
import { startRegistry } from '../testing/registry.ts';
import { removeBenchDir, rssMiB, startBerthd, startDockerd, stopEngine, type Engine } from './daemons.ts';
import { formatTable } from './report.ts';
import { median } from './stats.ts';

const ROUNDS = 3;
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));

async function layerTar(i: number, bytes: number): Promise<Buffer> {
  const p = pack();
  p.entry({ name: `layer${i}/data.bin`, size: bytes, mode: 0o644, mtime: new Date(0) }, randomBytes(bytes));
  p.finalize();
  return buffer(p as unknown as Readable);
}

async function pushBigImage(host: string): Promise<string> {
  const layers: Descriptor[] = [];
  const diffIds: string[] = [];
  const blobs = new Map<string, Buffer>();
  for (let i = 0; i < 5; i++) {
    const tar = await layerTar(i, 40 * 1024 * 1024);
    const gz = zlib.gzipSync(tar, { level: 1 });
    diffIds.push(sha256(tar));
    blobs.set(sha256(gz), gz);
    layers.push({ mediaType: MEDIA.dockerLayer, digest: sha256(gz), size: gz.length });
  }
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds }, history: [] }));
  const manifest: Manifest = { schemaVersion: 2, mediaType: MEDIA.dockerManifest, config: { mediaType: MEDIA.dockerConfig, digest: sha256(configBytes), size: configBytes.length }, layers };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const ref = parseReference(`${host}/bench/big:v1`);
  await pushImage(new RegistryClient(host), ref, { manifest, manifestBytes, mediaType: MEDIA.dockerManifest, configBytes, layers: layers.map((l) => ({ descriptor: l, open: () => Readable.from([blobs.get(l.digest)!]) })) });
  return `${host}/bench/big:v1`;
}

function timePull(e: Engine, image: string): number {
  const env = { ...process.env, DOCKER_HOST: `unix://${e.sock}` };
  const t0 = performance.now();
  execFileSync('docker', ['pull', '-q', image], { env, stdio: 'ignore' });
  const ms = performance.now() - t0;
  execFileSync('docker', ['rmi', image], { env, stdio: 'ignore' });
  return ms;
}

/** Imports `n` one-file images, then times GET /images/json (curl's total, median of five). */
function timeImageList(e: Engine, n: number): number {
  const work = mkdtempSync(join(dir, 'list-'));
  for (let i = 0; i < n; i++) {
    writeFileSync(join(work, 'f'), String(i));
    execFileSync('tar', ['-cf', join(work, 't.tar'), '-C', work, 'f']);
    execFileSync('curl', ['-sf', '--unix-socket', e.sock, '-X', 'POST', '-H', 'Content-Type: application/x-tar', '--data-binary', `@${join(work, 't.tar')}`, `http://d/v1.41/images/create?fromSrc=-&repo=list${i}&tag=v1`], { stdio: 'ignore' });
  }
  const times = Array.from({ length: 5 }, () =>
    Number(execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', '--unix-socket', e.sock, 'http://d/v1.41/images/json'], { encoding: 'utf8' })) * 1000);
  return median(times);
}

async function main(): Promise<void> {
  const registry = await startRegistry();
  const engines: Engine[] = [];
  try {
    const image = await pushBigImage(registry.host);
    engines.push(await startBerthd(dir));
    const dockerd = await startDockerd(dir);
    if (dockerd) engines.push(dockerd);
    else console.log('dockerd is not installed (apt-get install docker.io): berthd figures only');
    await new Promise((r) => setTimeout(r, 2000));
    const rows: string[][] = [['engine', 'ready (ms)', 'idle RSS (MiB)', 'images, 500 (ms)', `pull 200 MB / 5 layers (ms, median of ${ROUNDS})`]];
    for (const e of engines) {
      const idle = rssMiB(e.pids());
      const pulls = Array.from({ length: ROUNDS }, () => timePull(e, image));
      const list = timeImageList(e, 500);
      rows.push([e.name, e.readyMs.toFixed(0), idle.toFixed(1), list.toFixed(1), `${median(pulls).toFixed(0)}  (${pulls.map((p) => p.toFixed(0)).join(', ')})`]);
    }
    console.log(formatTable(rows));
  } finally {
    for (const e of engines) await stopEngine(e);
    await registry.stop();
    const leftovers = removeBenchDir(dir);
    if (leftovers.length > 0) console.error(`cleaned up what the daemons left: ${leftovers.join(', ')}`);
  }
}

await main();

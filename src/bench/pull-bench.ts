// The pull bench: berthd and Debian's dockerd 20.10 side by side in the same run, driven by the
// real docker CLI, engines taking turns: the pull of a 200 MB, 5-layer image (random bytes, so
// gzip cannot shrink it) from Debian's docker-registry on 127.0.0.1 (one untimed pull, then
// BENCH_PULL_N, default 5, the image removed after each), and GET /images/json with 500 images
// (BENCH_IMAGES).
// (Daemon ready and idle memory are the startup bench's.) Prints the table and writes the JSON
// to bench-results/pull-<date>.json. `scripts/bench pull`, or `make bench`; never `make test`.
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
import { startBerthd, startDockerd, type Engine } from './daemons.ts';
import { docker, tearDownBench, timeDocker, type Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, sampleInterleaved } from './sampling.ts';
import { benchClis, resultsPath, runBench, type BenchStep } from './bench-run.ts';

const ROUNDS = Number(process.env.BENCH_PULL_N) || 5;
const ONLY = process.env.BENCH_ONLY;
/** Images for the list row (BENCH_IMAGES): importing them is most of this bench's time. */
const IMAGES = Number(process.env.BENCH_IMAGES) || 500;
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

function timePull(cli: Cli, image: string): number {
  const ms = timeDocker(cli, ['pull', '-q', image]);
  docker(cli, ['rmi', image]);
  return ms;
}

/** Imports `n` one-file images into each engine (untimed), then times GET /images/json. */
function imageList(clis: Cli[], n: number, samples: number): Measure {
  const work = mkdtempSync(join(dir, 'list-'));
  for (const cli of clis) {
    for (let i = 0; i < n; i++) {
      writeFileSync(join(work, 'f'), String(i));
      execFileSync('tar', ['-cf', join(work, 't.tar'), '-C', work, 'f']);
      execFileSync('curl', ['-sf', '--unix-socket', cli.engine.sock, '-X', 'POST', '-H', 'Content-Type: application/x-tar', '--data-binary', `@${join(work, 't.tar')}`, `http://d/v1.41/images/create?fromSrc=-&repo=list${i}&tag=v1`], { stdio: 'ignore' });
    }
  }
  const list = (cli: Cli) => Number(execFileSync('curl', ['-sf', '-o', '/dev/null', '-w', '%{time_total}', '--unix-socket', cli.engine.sock, 'http://d/v1.41/images/json'], { encoding: 'utf8' })) * 1000;
  return measureOf('images_json_500', `GET /images/json with ${n} images (curl time_total), median`, 'ms', figures(sampleInterleaved(clis, samples, 2, list)));
}

function steps(clis: Cli[], image: string): BenchStep[] {
  return [
    [`pull 200 MB / 5 layers × ${ROUNDS}`, () => measureOf('pull_200mb_5_layers', 'pull of a 200 MB, 5-layer image from a registry on 127.0.0.1, median', 'ms', figures(sampleInterleaved(clis, ROUNDS, 1, (cli) => timePull(cli, image))), { max: 1, text: '1× (proposed)' })],
    [`images, ${IMAGES}`, () => imageList(clis, IMAGES, 5)],
  ];
}

async function main(): Promise<void> {
  const registry = await startRegistry();
  const engines: Engine[] = [];
  let clis: Cli[] = [];
  try {
    const image = await pushBigImage(registry.host);
    engines.push(await startBerthd(dir));
    const dockerd = await startDockerd(dir);
    if (dockerd) engines.push(dockerd);
    else console.log('dockerd is not installed (apt-get install docker.io): berthd figures only');
    clis = await benchClis(dir, engines);
    await runBench({ clis, n: ROUNDS, steps: steps(clis, image), only: ONLY, title: 'pull bench: berthd vs dockerd {dockerd}', results: resultsPath('pull') });
  } finally {
    await tearDownBench(clis, engines, dir, () => registry.stop());
  }
}

await main();

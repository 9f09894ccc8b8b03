// Push and pull against a real docker-registry on 127.0.0.1 (no auth): generated images with
// gzip and zstd layers, docker schema2 and OCI, an OCI index over two platforms, cross-repo
// mounts, chunked uploads, and the refusals a real registry can be made to provoke.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isKind } from '../../api/types/errors.ts';
import { ContentStore } from '../content/content-store.ts';
import { parseReference } from '../reference.ts';
import { MEDIA } from '../types.ts';
import { requires } from '../../testing/requires.ts';
import { makeTempDir, startRegistry, type RunningRegistry } from '../../testing/registry.ts';
import { RegistryClient } from './client.ts';
import { downloadLayers, type LayerEvent } from './download.ts';
import { putManifest } from './manifest.ts';
import { decompressorFor } from './media.ts';
import { fetchManifestDescriptor, resolveImage } from './pull.ts';
import { pushImage, type PushEvent } from './push.ts';
import { searchRegistry } from './search.ts';
import { nodeTransport } from './transport.ts';
import { makeImage, makeIndex } from './test-image.ts';

const skip = requires('registry');

async function diffIdOf(store: ContentStore, digest: string, mediaType: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(store.read(digest), decompressorFor(mediaType), new Writable({ write: (c, _e, cb) => (hash.update(c), cb()) }));
  return `sha256:${hash.digest('hex')}`;
}

describe('pull and push against an open registry', { skip }, () => {
  let reg: RunningRegistry;
  let dir: string;
  let client: RegistryClient;
  const ref = (s: string) => parseReference(`${reg.host}/${s}`);
  const image = makeImage({ layers: ['gzip', 'gzip', 'zstd'] });
  before(async () => {
    reg = await startRegistry();
    dir = await makeTempDir();
    client = new RegistryClient(reg.host);
  });
  after(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('push reports each layer and returns the manifest digest and size', async () => {
    const events: PushEvent[] = [];
    const res = await pushImage(client, ref('berth/app:v1'), image, {}, (e) => events.push(e));
    assert.deepEqual(res, { digest: image.digest, size: image.manifestBytes.length });
    for (const { descriptor } of image.layers) {
      const mine = events.filter((e) => e.digest === descriptor.digest);
      assert.deepEqual(mine.map((e) => e.status).filter((s) => s !== 'pushing'), ['preparing', 'waiting', 'pushed']);
      assert.deepEqual(mine.filter((e) => e.status === 'pushing').at(-1), { id: descriptor.digest.slice(7, 19), digest: descriptor.digest, status: 'pushing', current: descriptor.size, total: descriptor.size });
    }
    // Pushing again finds every layer in place.
    const again: PushEvent[] = [];
    await pushImage(client, ref('berth/app:v1'), image, {}, (e) => again.push(e));
    assert.deepEqual(again.filter((e) => e.status === 'exists').length, 3);
    assert.ok(!again.some((e) => e.status === 'pushing'));
  });

  test('pull by tag and by digest resolves the same verified image', async () => {
    const byTag = await resolveImage(client, ref('berth/app:v1'));
    assert.equal(byTag.manifestDigest, image.digest);
    assert.equal(byTag.mediaType, MEDIA.ociManifest);
    assert.deepEqual(byTag.manifestBytes, image.manifestBytes);
    assert.deepEqual(byTag.configBytes, image.configBytes);
    assert.deepEqual(byTag.config.rootfs.diff_ids, image.diffIds);
    assert.deepEqual(byTag.platform, { os: 'linux', architecture: 'amd64' });
    assert.equal(byTag.indexDigest, undefined);
    const byDigest = await resolveImage(client, ref(`berth/app@${image.digest}`));
    assert.equal(byDigest.manifestDigest, image.digest);
    assert.deepEqual(byDigest.manifest, byTag.manifest);
  });

  test('layers download three at a time into the store, verified, then exist', async () => {
    const store = new ContentStore(path.join(dir, 'store1'));
    const { manifest } = await resolveImage(client, ref('berth/app:v1'));
    const events: LayerEvent[] = [];
    await downloadLayers(client, 'berth/app', manifest.layers, store, (e) => events.push(e));
    for (const [i, layer] of manifest.layers.entries()) {
      const statuses = events.filter((e) => e.digest === layer.digest).map((e) => e.status);
      assert.equal(statuses[0], 'waiting');
      assert.deepEqual(statuses.slice(-2), ['verifying', 'complete']);
      assert.ok(events.some((e) => e.digest === layer.digest && e.status === 'downloading' && e.current === layer.size && e.total === layer.size));
      assert.ok(store.has(layer.digest));
      assert.equal(await diffIdOf(store, layer.digest, layer.mediaType), image.diffIds[i]);
    }
    const second: LayerEvent[] = [];
    await downloadLayers(client, 'berth/app', manifest.layers, store, (e) => second.push(e));
    assert.deepEqual(second.map((e) => e.status), ['exists', 'exists', 'exists']);
  });

  test('a second repository gets the layers by cross-repository mount', async () => {
    const events: PushEvent[] = [];
    const res = await pushImage(client, ref('berth/other:v1'), image, { mountFrom: () => ['berth/app'] }, (e) => events.push(e));
    assert.equal(res.digest, image.digest);
    const mounted = events.filter((e) => e.status === 'mounted');
    assert.equal(mounted.length, 3);
    assert.ok(mounted.every((e) => e.from === 'berth/app'));
    assert.equal((await resolveImage(client, ref('berth/other:v1'))).manifestDigest, image.digest);
  });

  test('a mount source without the blob falls back to an upload', async () => {
    const fresh = makeImage({ layers: ['gzip'] });
    const events: PushEvent[] = [];
    await pushImage(client, ref('berth/third:v1'), fresh, { mountFrom: () => ['berth/app'] }, (e) => events.push(e));
    assert.ok(events.some((e) => e.status === 'pushed'));
  });

  test('chunked (PATCH + PUT) uploads and docker schema2 manifests work too', async () => {
    const docker = makeImage({ layers: ['gzip', 'gzip'], docker: true });
    const methods: string[] = [];
    const recording = new RegistryClient(reg.host, { transport: (url, init) => (methods.push(init?.method ?? 'GET'), nodeTransport(url, init)) });
    await pushImage(recording, ref('berth/chunked:v1'), docker, { mode: 'chunked' });
    assert.equal(methods.filter((m) => m === 'PATCH').length, 3); // two layers and the config
    const pulled = await resolveImage(client, ref('berth/chunked:v1'));
    assert.equal(pulled.mediaType, MEDIA.dockerManifest);
    assert.equal(pulled.manifestDigest, docker.digest);
    const store = new ContentStore(path.join(dir, 'store2'));
    await downloadLayers(client, 'berth/chunked', pulled.manifest.layers, store);
    assert.equal(await diffIdOf(store, docker.manifest.layers[1]!.digest, MEDIA.dockerLayer), docker.diffIds[1]);
  });

  describe('an OCI index over two platforms', () => {
    const amd64 = makeImage({ layers: ['gzip'] });
    const arm64 = makeImage({ layers: ['zstd'], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    const index = makeIndex([
      { image: amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { image: arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    before(async () => {
      // Platform manifests go up by digest only; the tag names the index.
      await pushImage(client, ref('berth/multi'), amd64);
      await pushImage(client, ref('berth/multi'), arm64);
      await putManifest(client, 'berth/multi', 'latest', index, MEDIA.ociIndex);
    });

    test('linux/amd64 by default, recording the index digest', async () => {
      const r = await resolveImage(client, ref('berth/multi'));
      assert.equal(r.manifestDigest, amd64.digest);
      assert.equal(r.indexDigest, createHash('sha256').update(index).digest('hex').replace(/^/, 'sha256:'));
      assert.equal(r.indexMediaType, MEDIA.ociIndex);
    });

    test('an explicit platform, in any spelling, picks its entry', async () => {
      for (const architecture of ['arm64', 'aarch64']) {
        const r = await resolveImage(client, ref('berth/multi:latest'), { os: 'linux', architecture });
        assert.equal(r.manifestDigest, arm64.digest);
        assert.deepEqual(r.config.rootfs.diff_ids, arm64.diffIds);
      }
      const x86 = await resolveImage(client, ref('berth/multi:latest'), { os: 'Linux', architecture: 'x86_64' });
      assert.equal(x86.manifestDigest, amd64.digest);
      await assert.rejects(resolveImage(client, ref('berth/multi'), { os: 'linux', architecture: 'arm', variant: 'v7' }), (err: Error) =>
        isKind(err, 'not-found') && err.message === 'no matching manifest for linux/arm/v7 in the manifest list entries');
    });

    test('distribution inspect lists the platforms', async () => {
      const d = await fetchManifestDescriptor(client, ref('berth/multi'));
      assert.deepEqual(d.Descriptor, { mediaType: MEDIA.ociIndex, digest: d.Descriptor.digest, size: index.length });
      assert.deepEqual(d.Platforms, [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]);
      const single = await fetchManifestDescriptor(client, ref(`berth/multi@${arm64.digest}`));
      assert.deepEqual(single, {
        Descriptor: { mediaType: MEDIA.ociManifest, digest: arm64.digest, size: arm64.manifestBytes.length },
        Platforms: [{ architecture: 'arm64', os: 'linux', variant: 'v8' }],
      });
    });
  });

  test('a single-platform image asked for another platform is refused', async () => {
    await assert.rejects(resolveImage(client, ref('berth/app:v1'), { os: 'linux', architecture: 'arm64' }), (err: Error) =>
      isKind(err, 'not-found') &&
      err.message === `image with reference ${reg.host}/berth/app:v1 was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64`);
  });

  test('unknown tags and repositories read like dockerd', async () => {
    await assert.rejects(resolveImage(client, ref('berth/app:nope')), (err: Error) =>
      isKind(err, 'not-found') && err.message === `manifest for ${reg.host}/berth/app:nope not found: manifest unknown: manifest unknown`);
    // distribution answers MANIFEST_UNKNOWN for a missing repository too (dockerd shows the same).
    await assert.rejects(resolveImage(client, ref('berth/missing:v1')), (err: Error) =>
      isKind(err, 'not-found') && err.message === `manifest for ${reg.host}/berth/missing:v1 not found: manifest unknown: manifest unknown`);
  });

  test('an artifact (unknown config type) and an unknown layer type are refused by name', async () => {
    const helm = makeImage({ layers: ['gzip'], configMediaType: 'application/vnd.cncf.helm.config.v1+json' });
    await pushImage(client, ref('berth/chart:1'), helm);
    await assert.rejects(resolveImage(client, ref('berth/chart:1')), (err: Error) =>
      isKind(err, 'not-implemented') &&
      err.message === `${reg.host}/berth/chart:1 is not a container image: unsupported config media type application/vnd.cncf.helm.config.v1+json`);
    const odd = makeImage({ layers: ['gzip'] });
    odd.manifest.layers[0]!.mediaType = 'application/x-berth-unknown';
    odd.manifestBytes = Buffer.from(JSON.stringify(odd.manifest));
    await pushImage(client, ref('berth/odd:1'), odd);
    await assert.rejects(resolveImage(client, ref('berth/odd:1')), (err: Error) =>
      isKind(err, 'not-implemented') &&
      err.message === `unsupported media type application/x-berth-unknown for layer ${odd.manifest.layers[0]!.digest} of ${reg.host}/berth/odd:1`);
  });

  test('search is a clean error on a registry without the v1 API', async () => {
    await assert.rejects(searchRegistry(client, 'app'), (err: Error) =>
      isKind(err, 'not-found') && err.message === `Unexpected status code 404: ${reg.host} does not offer the v1 search API`);
    await assert.rejects(searchRegistry(client, 'app', 101), /limit 101 is outside the range of \[1, 100\]/);
  });
});

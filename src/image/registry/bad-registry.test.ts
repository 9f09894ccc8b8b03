// What a real registry never serves, from a node:http fake on 127.0.0.1: blobs with the wrong
// bytes, cut short or reset mid-body; schema1 and unknown manifest types (distribution 2.8 will
// not store them); manifests that do not hash to their digest; and a v1 search answer.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isKind } from '../../api/types/errors.ts';
import { ContentStore } from '../content/content-store.ts';
import { sha256 } from '../digest.ts';
import { parseReference } from '../reference.ts';
import { MEDIA, type Descriptor } from '../types.ts';
import { makeTempDir } from '../../testing/registry.ts';
import { RegistryClient } from './client.ts';
import { downloadLayers, type LayerEvent } from './download.ts';
import { decompressorFor } from './media.ts';
import { resolveImage } from './pull.ts';
import { searchRegistry } from './search.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('refusing what a broken registry serves', () => {
  let server: Server;
  let host: string;
  let dir: string;
  let store: ContentStore;
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const good = Buffer.alloc(64 << 10, 'good layer bytes ');
  const layer: Descriptor = { mediaType: MEDIA.ociLayerGzip, digest: sha256(good), size: good.length };
  const blobPath = `/v2/fake/blobs/${layer.digest}`;
  const client = () => new RegistryClient(host);
  const pull = async (opts = {}) => {
    const events: LayerEvent[] = [];
    const run = downloadLayers(client(), 'fake', [layer], store, (e) => events.push(e), { retryDelayMs: 10, ...opts });
    return { run, events };
  };
  before(async () => {
    dir = await makeTempDir();
    server = createServer((req, res) => {
      const url = (req.url ?? '').split('?')[0]!;
      hits.set(url, (hits.get(url) ?? 0) + 1);
      const handler = url === '/v2/' ? (_: IncomingMessage, r: ServerResponse) => r.end('{}') : routes.get(url);
      if (handler) handler(req, res);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    routes.clear();
    hits.clear();
    store = new ContentStore(path.join(dir, `store-${Math.random().toString(36).slice(2)}`));
  });

  test('a blob with the wrong bytes fails verification, naming the layer, and is not kept', async () => {
    routes.set(blobPath, (_req, res) => res.end(Buffer.alloc(good.length, 'evil')));
    const { run } = await pull();
    await assert.rejects(run, (err: Error) =>
      isKind(err, 'system') && err.message.startsWith(`filesystem layer verification failed for digest ${layer.digest}: digest mismatch`));
    assert.equal(hits.get(blobPath), 1);
    assert.ok(!store.has(layer.digest));
  });

  test('a body that ends early is an unexpected EOF for that layer (no retry: it was not a reset)', async () => {
    routes.set(blobPath, (_req, res) => res.end(good.subarray(0, 1000)));
    const { run } = await pull();
    await assert.rejects(run, (err: Error) => err.message === `error pulling layer ${layer.digest}: unexpected EOF: got 1000 of ${good.length} bytes`);
    assert.equal(hits.get(blobPath), 1);
  });

  test('a connection reset mid-body is retried once, then reported', async () => {
    routes.set(blobPath, (_req, res) => {
      res.writeHead(200, { 'content-length': String(good.length) });
      res.write(good.subarray(0, 5000), () => res.destroy());
    });
    const { run, events } = await pull();
    await assert.rejects(run, (err: Error) => err.message === `error pulling layer ${layer.digest}: the connection was reset twice (aborted)`);
    assert.equal(hits.get(blobPath), 2);
    assert.deepEqual(events.filter((e) => e.status === 'retrying').length, 1);
    assert.ok(!store.has(layer.digest));
  });

  test('one reset followed by a good download succeeds', async () => {
    routes.set(blobPath, (_req, res) => {
      if (hits.get(blobPath) === 1) res.socket?.destroy();
      else res.end(good);
    });
    const { run, events } = await pull();
    await run;
    assert.deepEqual(events.map((e) => e.status).filter((s) => s !== 'downloading'), ['waiting', 'retrying', 'verifying', 'complete']);
    assert.ok(store.has(layer.digest));
  });

  test('three layers download at a time, however many there are', async () => {
    let inFlight = 0;
    let most = 0;
    const blobs = Array.from({ length: 6 }, (_, i) => Buffer.from(`layer ${i}`.repeat(100)));
    for (const blob of blobs) {
      routes.set(`/v2/fake/blobs/${sha256(blob)}`, (_req, res) => {
        most = Math.max(most, ++inFlight);
        setTimeout(() => (inFlight--, res.end(blob)), 30);
      });
    }
    const layers = blobs.map((b) => ({ mediaType: MEDIA.ociLayer, digest: sha256(b), size: b.length }));
    await downloadLayers(client(), 'fake', layers, store);
    assert.equal(most, 3);
    assert.ok(layers.every((l) => store.has(l.digest)));
  });

  test('foreign layers and unknown layer types are refused before any download', async () => {
    const foreign = { ...layer, mediaType: MEDIA.dockerForeignLayer, urls: ['https://mcr.microsoft.com/layer'] };
    await assert.rejects(downloadLayers(client(), 'fake', [foreign], store), (err: Error) =>
      isKind(err, 'not-implemented') && err.message.includes('foreign, non-distributable layer (to be fetched from https://mcr.microsoft.com/layer)'));
    await assert.rejects(downloadLayers(client(), 'fake', [{ ...layer, mediaType: 'application/x-tar+lz4' }], store), /unsupported layer media type application\/x-tar\+lz4/);
    assert.throws(() => decompressorFor('application/x-tar+lz4'), /unsupported layer media type/);
    assert.equal(hits.size, 0);
  });

  const serveManifest = (tag: string, contentType: string, body: string, headers: Record<string, string> = {}): void => {
    routes.set(`/v2/fake/manifests/${tag}`, (_req, res) => res.writeHead(200, { 'content-type': contentType, ...headers }).end(body));
  };

  test('schema1 manifests are refused with the deprecation notice', async () => {
    serveManifest('old', 'application/vnd.docker.distribution.manifest.v1+prettyjws', JSON.stringify({ schemaVersion: 1, name: 'fake', tag: 'old', fsLayers: [] }));
    await assert.rejects(resolveImage(client(), parseReference(`${host}/fake:old`)), (err: Error) =>
      isKind(err, 'not-implemented') &&
      err.message.startsWith(`${host}/fake:old is a Docker Image manifest version 2, schema 1 (application/vnd.docker.distribution.manifest.v1+prettyjws): support for it has been removed.`));
  });

  test('an unknown manifest media type is refused by name', async () => {
    serveManifest('odd', 'application/vnd.example.thing+json', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.example.thing+json' }));
    await assert.rejects(resolveImage(client(), parseReference(`${host}/fake:odd`)), (err: Error) =>
      err.message === 'unsupported manifest media type and no default available: application/vnd.example.thing+json');
  });

  test('manifests that do not hash to the digest asked for, or named, are refused', async () => {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: layer, layers: [] });
    const wanted = sha256('something else');
    serveManifest(wanted, MEDIA.ociManifest, body);
    await assert.rejects(resolveImage(client(), parseReference(`${host}/fake@${wanted}`)), (err: Error) =>
      err.message === `manifest verification failed for digest ${wanted}`);
    serveManifest('lying', MEDIA.ociManifest, body, { 'docker-content-digest': wanted });
    await assert.rejects(resolveImage(client(), parseReference(`${host}/fake:lying`)), (err: Error) =>
      err.message === `manifest verification failed for digest ${wanted}: the content's digest is ${sha256(body)}`);
  });

  test('v1 search results are read into the Engine API shape', async () => {
    routes.set('/v1/search', (req, res) => {
      assert.equal(req.url, '/v1/search?q=web%20app&n=2');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        num_results: 3, query: 'web app',
        results: [
          { name: 'web', description: 'a server', star_count: 7, is_official: true, is_automated: false },
          { name: 'app', star_count: 'x' },
          { name: 'extra' },
        ],
      }));
    });
    assert.deepEqual(await searchRegistry(client(), 'web app', 2), [
      { name: 'web', description: 'a server', star_count: 7, is_official: true, is_automated: false },
      { name: 'app', description: '', star_count: 0, is_official: false, is_automated: false },
    ]);
  });
});

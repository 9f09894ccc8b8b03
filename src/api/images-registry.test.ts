// Pull and push through berthd against a registry served over TLS from a test CA (on
// 127.0.0.1, which docker and berthd treat as an insecure registry: encrypted, not verified).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { requires } from '../testing/requires.ts';
import { makeCerts, makeTempDir, startRegistry, type RunningRegistry } from '../testing/registry.ts';
import type { ApiClient } from '../client/api-client.ts';
import { progressRequest } from '../testing/api.ts';

const skip = requires('registry', 'openssl');
let d: Berthd;
let registry: RunningRegistry;
let certDir: string;
let api: ApiClient;

before(async () => {
  if (skip) return;
  certDir = await makeTempDir();
  registry = await startRegistry({ tls: await makeCerts(certDir) });
  d = await startBerthd();
  api = d.client().api;
});
after(async () => {
  if (skip) return;
  await registry?.stop();
  await d?.cleanup();
  await rm(certDir, { recursive: true, force: true });
});

const progress = (method: string, path: string, opts: Parameters<ApiClient['request']>[2]) => progressRequest(api, method, path, opts);

test('push to and pull from a TLS registry', { skip }, async () => {
  const name = `${registry.host}/secure/busybox`;
  const imported = await progress('POST', '/images/create', { query: { fromSrc: '-', repo: name, tag: 'v1' }, body: busyboxRootfs(), headers: { 'Content-Type': 'application/x-tar' } });
  const id = imported.at(-1)!.status!;
  const pushed = await progress('POST', `/images/${name}/push`, { query: { tag: 'v1' }, headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64url') } });
  assert.equal(pushed.find((m) => m.error)?.error, undefined);
  const digest = pushed.find((m) => m.aux)!.aux!.Digest!;
  assert.match(digest, /^sha256:/);
  await api.json('DELETE', `/images/${name}:v1`);
  const pulled = await progress('POST', '/images/create', { query: { fromImage: name, tag: 'v1' } });
  assert.equal(pulled.find((m) => m.error)?.error, undefined);
  assert.ok(pulled.some((m) => m.status === `Digest: ${digest}`));
  const inspect = await api.json<{ Id: string; RepoDigests: string[] }>('GET', `/images/${name}:v1/json`);
  assert.equal(inspect.Id, id, 'the pulled image is the pushed one, byte for byte');
  assert.deepEqual(inspect.RepoDigests, [`${name}@${digest}`]);
  const byDigest = await progress('POST', '/images/create', { query: { fromImage: `${name}@${digest}` } });
  assert.equal(byDigest.find((m) => m.error)?.error, undefined);
});

test('Docker Hub pulls go to a registry mirror first', { skip }, async () => {
  const mirrored = `${registry.host}/library/mirrored`;
  const imported = await progress('POST', '/images/create', { query: { fromSrc: '-', repo: mirrored, tag: 'v1' }, body: busyboxRootfs({ 'etc/m': 'm' }), headers: { 'Content-Type': 'application/x-tar' } });
  const id = imported.at(-1)!.status!;
  const pushed = await progress('POST', `/images/${mirrored}/push`, { query: { tag: 'v1' } });
  assert.equal(pushed.find((m) => m.error)?.error, undefined);
  const withMirror = await startBerthd({ daemonJson: { 'registry-mirrors': [`https://${registry.host}`] } });
  try {
    const mapi = withMirror.client().api;
    const res = await mapi.request('POST', '/images/create', { query: { fromImage: 'mirrored', tag: 'v1' } });
    let text = '';
    for await (const c of res) text += c.toString();
    assert.doesNotMatch(text, /"error"/, text);
    assert.match(text, /Status: Downloaded newer image for mirrored:v1/);
    const inspect = await mapi.json<{ Id: string; RepoTags: string[] }>('GET', '/images/mirrored:v1/json');
    assert.equal(inspect.Id, id);
    assert.deepEqual(inspect.RepoTags, ['mirrored:v1']);
  } finally {
    await withMirror.cleanup();
  }
});

// Push and pull through auth: a real docker-registry with htpasswd (basic), and one with token
// auth whose realm (testing/token-realm.ts) records the scopes asked for, both on 127.0.0.1.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isKind } from '../../api/types/errors.ts';
import { ContentStore } from '../content/content-store.ts';
import { parseReference } from '../reference.ts';
import { requires } from '../../testing/requires.ts';
import { htpasswdLine, makeTempDir, startRegistry, type RunningRegistry } from '../../testing/registry.ts';
import { startTokenRegistry, type TokenRealm, type TokenRegistry } from '../../testing/token-realm.ts';
import { RegistryClient } from './client.ts';
import { downloadLayers } from './download.ts';
import { resolveImage } from './pull.ts';
import { pushImage, type PushEvent } from './push.ts';
import { makeImage } from './test-image.ts';

const skip = requires('registry', 'openssl', 'perl');
const USER = 'berth';
const PASS = 'p@ss: word';

describe('push and pull with htpasswd (basic) auth', { skip }, () => {
  let reg: RunningRegistry;
  let dir: string;
  const image = makeImage({ layers: ['gzip', 'zstd'] });
  const ref = (s: string) => parseReference(`${reg.host}/${s}`);
  before(async () => {
    reg = await startRegistry({ htpasswd: await htpasswdLine(USER, PASS) });
    dir = await makeTempDir();
  });
  after(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('credentials from an AuthConfig push, then pull (the `auth` field form)', async () => {
    const pusher = new RegistryClient(reg.host, { auth: { username: USER, password: PASS } });
    assert.equal((await pushImage(pusher, ref('berth/app:v1'), image)).digest, image.digest);
    const puller = new RegistryClient(reg.host, { auth: { auth: Buffer.from(`${USER}:${PASS}`).toString('base64') } });
    const r = await resolveImage(puller, ref('berth/app:v1'));
    assert.equal(r.manifestDigest, image.digest);
    const store = new ContentStore(path.join(dir, 'store'));
    await downloadLayers(puller, 'berth/app', r.manifest.layers, store);
    assert.ok(r.manifest.layers.every((l) => store.has(l.digest)));
  });

  test('no or wrong credentials are refused', async () => {
    await assert.rejects(resolveImage(new RegistryClient(reg.host), ref('berth/app:v1')), (err: Error) =>
      isKind(err, 'unauthorized') && err.message.endsWith(': no basic auth credentials'));
    const wrong = new RegistryClient(reg.host, { auth: { username: USER, password: 'nope' } });
    await assert.rejects(resolveImage(wrong, ref('berth/app:v1')), (err: Error) =>
      isKind(err, 'not-found') &&
      err.message === `pull access denied for ${reg.host}/berth/app, repository does not exist or may require 'docker login': unauthorized: authentication required`);
    await assert.rejects(pushImage(wrong, ref('berth/app:v2'), makeImage({ layers: ['gzip'] })), (err: Error) =>
      isKind(err, 'unauthorized') && /unauthorized: authentication required$/.test(err.message));
  });
});

describe('push and pull with token auth', { skip }, () => {
  let fixture: TokenRegistry;
  let dir: string;
  let realm: TokenRealm;
  let reg: RunningRegistry;
  const image = makeImage({ layers: ['gzip', 'gzip', 'zstd'] });
  const ref = (s: string) => parseReference(`${reg.host}/${s}`);
  const auth = { username: USER, password: PASS };
  const scopesAsked = () => realm.hits.map((h) => h.query.getAll('scope').sort().join(' '));
  before(async () => {
    fixture = await startTokenRegistry({ [USER]: PASS });
    ({ realm, registry: reg, dir } = fixture);
  });
  after(() => fixture?.stop());
  beforeEach(() => realm && (realm.hits.length = 0));

  test('push asks for pull,push on the target, once for all its requests', async () => {
    await pushImage(new RegistryClient(reg.host, { auth }), ref('berth/app:v1'), image);
    assert.deepEqual(scopesAsked(), ['', 'repository:berth/app:pull,push']);
  });

  test('a mount also asks for pull on the source repository', async () => {
    const events: PushEvent[] = [];
    await pushImage(new RegistryClient(reg.host, { auth }), ref('berth/other:v1'), image, { mountFrom: () => ['berth/app'] }, (e) => events.push(e));
    assert.ok(scopesAsked().includes('repository:berth/app:pull repository:berth/other:pull,push'));
    assert.deepEqual(events.filter((e) => e.status === 'mounted').map((e) => e.from), ['berth/app', 'berth/app', 'berth/app']);
  });

  test('pull asks for pull only, and downloads with that token', async () => {
    const client = new RegistryClient(reg.host, { auth });
    const r = await resolveImage(client, ref('berth/other:v1'));
    assert.equal(r.manifestDigest, image.digest);
    await downloadLayers(client, 'berth/other', r.manifest.layers, new ContentStore(path.join(dir, 'store')));
    assert.deepEqual(scopesAsked(), ['repository:berth/other:pull']);
  });

  test('an anonymous pull of a private repository is "pull access denied"', async () => {
    await assert.rejects(resolveImage(new RegistryClient(reg.host), ref('berth/app:v1')), (err: Error) => {
      assert.ok(isKind(err, 'not-found'));
      assert.match(err.message, new RegExp(`^pull access denied for ${reg.host}/berth/app, repository does not exist or may require 'docker login': `));
      return true;
    });
  });
});

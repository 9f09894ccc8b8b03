// X-Registry-Auth: the padded base64url encoding dockerd expects, and the credentials the CLI
// picks from config.json for an image's registry (Docker Hub under its legacy key).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeRegistryAuth } from '../../client/images-api.ts';
import { CliEnv } from '../cli-env.ts';
import { parseNamed, platformJson, registryAuth } from './image-common.ts';

const decode = (header: string): unknown => JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));

describe('X-Registry-Auth encoding', () => {
  it('anonymous is {} (docker always sends the header)', () => {
    assert.equal(encodeRegistryAuth(), 'e30=');
    assert.equal(encodeRegistryAuth({}), 'e30=');
  });

  it('is padded base64url of the AuthConfig JSON in Go field order, empty fields left out', () => {
    const header = encodeRegistryAuth({ serveraddress: '127.0.0.1:5000', password: 's3cret?>', username: 'alice', email: '' });
    assert.equal(header.length % 4, 0);
    assert.match(header, /^[A-Za-z0-9_-]+=*$/);
    assert.equal(Buffer.from(header, 'base64url').toString(), '{"username":"alice","password":"s3cret?>","serveraddress":"127.0.0.1:5000"}');
    // Go's base64.URLEncoding output for the same bytes, padding included.
    const json = '{"username":"alice","password":"s3cret?>","serveraddress":"127.0.0.1:5000"}';
    assert.equal(header, Buffer.from(json).toString('base64').replaceAll('+', '-').replaceAll('/', '_'));
    assert.deepEqual(decode(encodeRegistryAuth({ identitytoken: 'tok' })), { identitytoken: 'tok' });
  });
});

describe('credentials for a registry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-image-auth-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
      '127.0.0.1:5000': { auth: b64('alice:s3cret') },
      'https://legacy.example.com/v1/': { auth: b64('bob:pw') },
      'tokens.example.com': { auth: b64('carol:'), identitytoken: 'refresh-token' },
    },
  }));
  const env = new CliEnv({ config: dir }, {});

  it('Docker Hub images use the https://index.docker.io/v1/ entry', () => {
    const ref = parseNamed('busybox');
    assert.deepEqual(registryAuth(env, ref.domain), { username: 'hubuser', password: 'hubpass', serveraddress: 'https://index.docker.io/v1/' });
  });

  it('other registries use their host[:port] entry, or an older URL-shaped key', () => {
    assert.deepEqual(registryAuth(env, parseNamed('127.0.0.1:5000/team/app:v1').domain), { username: 'alice', password: 's3cret', serveraddress: '127.0.0.1:5000' });
    assert.deepEqual(registryAuth(env, 'legacy.example.com'), { username: 'bob', password: 'pw', serveraddress: 'legacy.example.com' });
    assert.deepEqual(registryAuth(env, 'tokens.example.com'), { username: 'carol', serveraddress: 'tokens.example.com', identitytoken: 'refresh-token' });
  });

  it('no stored credentials: anonymous', () => {
    const auth = registryAuth(env, 'elsewhere.example.com:5000');
    assert.deepEqual(auth, {});
    assert.equal(encodeRegistryAuth(auth), 'e30=');
  });

  it('--platform values become the API JSON platform objects', () => {
    assert.equal(platformJson('linux/amd64'), '{"architecture":"amd64","os":"linux"}');
    assert.equal(platformJson('linux/arm/v7'), '{"architecture":"arm","os":"linux","variant":"v7"}');
    assert.equal(platformJson('linux/aarch64'), '{"architecture":"arm64","os":"linux"}');
    assert.throws(() => platformJson('linux/amd64/v2/x'), /invalid platform/);
  });
});

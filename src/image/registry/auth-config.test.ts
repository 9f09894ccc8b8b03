import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRegistryAuthHeader, resolveCredentials } from './auth-config.ts';
import { isKind } from '../../api/types/errors.ts';

const encode = (v: unknown, enc: BufferEncoding = 'base64url') => Buffer.from(JSON.stringify(v)).toString(enc);

test('X-Registry-Auth decodes padded and unpadded base64url', () => {
  const auth = { username: 'me', password: 'p?>?', serveraddress: 'reg:5000' };
  assert.deepEqual(decodeRegistryAuthHeader(encode(auth)), auth);
  assert.deepEqual(decodeRegistryAuthHeader(encode(auth, 'base64')), auth);
  assert.deepEqual(decodeRegistryAuthHeader(encode({ identitytoken: 'tok', email: '' })), { identitytoken: 'tok' });
  assert.deepEqual(decodeRegistryAuthHeader(encode({ Username: 'a', Password: 'b' })), { username: 'a', password: 'b' });
});

test('X-Registry-Auth that says nothing is undefined', () => {
  for (const v of [undefined, null, '', '  ', encode({}), encode({ username: '' })]) assert.equal(decodeRegistryAuthHeader(v), undefined);
});

test('X-Registry-Auth garbage is an invalid parameter', () => {
  for (const bad of ['%%%', 'not base64!', 'a', encode('just a string'), encode([1]), Buffer.from('{oops').toString('base64url')]) {
    assert.throws(
      () => decodeRegistryAuthHeader(bad),
      (err) => isKind(err, 'invalid-parameter') && /must be a valid base64url-encoded string/.test((err as Error).message),
      bad,
    );
  }
});

test('credentials come from username/password, else from auth', () => {
  assert.deepEqual(resolveCredentials({ username: 'u', password: 'p', auth: Buffer.from('x:y').toString('base64') }), {
    username: 'u', password: 'p', identityToken: '',
  });
  assert.deepEqual(resolveCredentials({ auth: Buffer.from('x:y:z').toString('base64'), identitytoken: 't' }), {
    username: 'x', password: 'y:z', identityToken: 't',
  });
  assert.deepEqual(resolveCredentials(undefined), { username: '', password: '', identityToken: '' });
});

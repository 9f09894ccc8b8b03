// Start-up and reload where the peer credentials of unix sockets cannot be read (an
// architecture whose SO_PEERCRED numbers berthd does not know, koffi missing): a policy that
// names users or groups does not start — its rules could never match, and a later, wider rule
// would decide silently — while a policy of certificates and sockets runs without them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../lib/logger.ts';
import { PeerCredentialReader } from './peer-credentials.ts';
import { loadAuthorizer, reloadPolicy } from './setup.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-authz-setup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const policy = join(dir, 'policy.json');
const logged: string[] = [];
const logger = createLogger('info', (s) => void logged.push(s));
const unknownArch = () => PeerCredentialReader.load('mips64el');
const CERTS_ONLY = { rules: [{ name: 'ci', who: { certificates: [{ cn: 'ci' }] }, allow: ['containers'] }] };
const WITH_GROUPS = {
  rules: [
    { name: 'ci', who: { certificates: [{ cn: 'ci' }] }, allow: ['containers'] },
    { name: 'admins', who: { groups: ['root'] }, allow: ['all'] },
    { name: 'rest', who: { anyone: true }, allow: ['read-only'] },
  ],
};

test('an architecture whose option numbers are unknown has no reader, and says which it knows', () => {
  assert.throws(unknownArch, /the SO_PEERCRED option numbers of mips64el are not known to berthd \(known: x64, ia32, arm, arm64, riscv64, loong64, s390x, ppc64\)/);
});

test('a policy naming users or groups does not start without peer credentials', () => {
  writeFileSync(policy, JSON.stringify(WITH_GROUPS, null, 2));
  assert.throws(() => loadAuthorizer(policy, dir, logger, { loadPeers: unknownArch }), (err: Error) => {
    assert.match(err.message, /^authorization policy .*policy\.json: rule "admins" \(line \d+ of .*policy\.json\) names unix users or groups, which berthd identifies by the peer credentials of unix sockets \(SO_PEERCRED\), and those cannot be read here: the SO_PEERCRED option numbers of mips64el are not known/);
    return true;
  });
});

test('a policy of certificates alone starts without them; a reload to one naming groups is refused', async () => {
  writeFileSync(policy, JSON.stringify(CERTS_ONLY));
  const authorizer = loadAuthorizer(policy, dir, logger, { loadPeers: unknownArch });
  try {
    assert.equal(authorizer.identifiesPeers, false);
    assert.ok(logged.some((l) => /peer credentials of unix sockets cannot be read/.test(l)));
    writeFileSync(policy, JSON.stringify(WITH_GROUPS, null, 2));
    reloadPolicy(authorizer, dir, logger);
    assert.deepEqual(authorizer.policy.rules.map((r) => r.name), ['ci'], 'the running policy is kept');
    assert.ok(logged.some((l) => /keeping the running one.*rule \\"admins\\".*they could not when berthd started/.test(l)), logged.join(''));
  } finally {
    await authorizer.audit?.log.close();
  }
});

test('where they can be read, the reader is loaded and the same policy starts', async () => {
  writeFileSync(policy, JSON.stringify(WITH_GROUPS, null, 2));
  const authorizer = loadAuthorizer(policy, dir, logger);
  assert.equal(authorizer.identifiesPeers, true);
  await authorizer.audit?.log.close();
});

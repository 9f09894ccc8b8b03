// /etc/subuid-style files as check reads them, and the range it proposes.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subIdChecks } from './checks-ids.ts';
import { formatFindings } from './findings.ts';

const dir = mkdtempSync(join(tmpdir(), 'subids-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const alice = { uid: 1234, gid: 1234, name: 'alice', home: '/home/alice' };

function files(subuid: string | undefined, subgid: string | undefined) {
  const name = mkdtempSync(join(dir, 'f-'));
  const paths = { subuid: join(name, 'subuid'), subgid: join(name, 'subgid') };
  if (subuid !== undefined) writeFileSync(paths.subuid, subuid);
  if (subgid !== undefined) writeFileSync(paths.subgid, subgid);
  return paths;
}

describe('subordinate ids', () => {
  it('enough ids by name or by uid, in one range or several', () => {
    const [u, g] = subIdChecks(alice, files('bob:100000:65536\nalice:165536:65536\n', '1234:165536:30000\nalice:300000:35536\n'));
    assert.deepEqual([u.status, g.status], ['ok', 'ok']);
    assert.match(u.text, /65536 subordinate user ids for alice \(165536-231071\)/);
    assert.match(g.text, /65536 subordinate group ids for alice \(165536-195535, 300000-335535\)/);
  });

  it('no line: says so, and the fix appends one past every range in use', () => {
    const f = files('bob:100000:65536\ncarol:165536:65536\n', '# comment\nbob:100000:65536\n');
    const [u, g] = subIdChecks(alice, f);
    assert.equal(u.status, 'missing');
    assert.equal(u.text, `${f.subuid} has no line for alice (or uid 1234): it needs 65536 subordinate user ids`);
    assert.deepEqual(u.asRoot, [`echo 'alice:231072:65536' >> ${f.subuid}`]);
    assert.deepEqual(g.asRoot, [`echo 'alice:231072:65536' >> ${f.subgid}`], 'the same range in both files');
  });

  it('too few, or no file at all', () => {
    const f = files('alice:100000:1000\n', undefined);
    const [u, g] = subIdChecks(alice, f);
    assert.match(u.text, /gives alice 1000 subordinate user ids, fewer than the 65536/);
    assert.equal(g.text, `${f.subgid} does not exist: alice needs 65536 subordinate group ids`);
    assert.deepEqual(g.asRoot, [`echo 'alice:101000:65536' >> ${f.subgid}`]);
  });

  it('the report gathers the fixes by who runs them', () => {
    const text = formatFindings([
      ...subIdChecks(alice, files('', '')),
      { status: 'missing', text: 'XDG_RUNTIME_DIR is not set', asUser: ['export XDG_RUNTIME_DIR=/run/user/1234'] },
      { status: 'note', text: 'cgroup v1 host' },
    ], 'alice (uid 1234)', 'berthd-rootless-setup check');
    assert.match(text, /^Prerequisites of a rootless berthd for alice \(uid 1234\):\n {2}MISSING {2}/);
    assert.match(text, /\nTo fix it, run as root:\n {2}echo 'alice:100000:65536' >> .*subuid\n {2}echo 'alice:100000:65536' >> .*subgid\n\nThen, as alice:\n {2}export XDG_RUNTIME_DIR=\/run\/user\/1234\n\nThen run `berthd-rootless-setup check` again\.\n$/);
    assert.match(text, /\n {2}note {5}cgroup v1 host\n/);
  });
});

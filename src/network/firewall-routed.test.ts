// Runs firewall-routed.scenario.ts inside a network namespace of its own that stands in for the
// host: it changes that namespace's iptables FORWARD policy and routes between three labs,
// which the real host's namespace must never see.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { hex } from '../testing/net-lab.ts';
import { requires } from '../testing/requires.ts';
import { mustRun } from './run-tool.ts';

test('routed traffic through the firewall: FORWARD DROP, masquerade, hairpin, isolation, internal', { skip: requires('root', 'nft') }, async () => {
  const ns = `berth-th${hex(6)}`;
  await mustRun('ip', ['netns', 'add', ns]);
  try {
    const scenario = fileURLToPath(new URL('./firewall-routed.scenario.js', import.meta.url));
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--test', '--test-reporter=spec', scenario], {
      encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined, BERTH_FW_PRIVATE_NETNS: ns }, timeout: 120_000,
    });
    assert.equal(r.status, 0, `the scenario failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    await mustRun('ip', ['netns', 'del', ns]);
  }
});

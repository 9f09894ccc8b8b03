// --cap-add/--cap-drop/--privileged as dockerd combines them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CAPABILITIES, tweakCapabilities } from './caps.ts';

const tweak = (capAdd: string[], capDrop: string[], privileged = false, capLastCap = 40) =>
  tweakCapabilities({ capAdd, capDrop, privileged, capLastCap });

test('default set, adds and drops with or without CAP_ and in any case', () => {
  assert.deepEqual(tweak([], []), [...DEFAULT_CAPABILITIES]);
  const t = tweak(['sys_admin', 'CAP_NET_ADMIN'], ['chown', 'CAP_KILL']);
  assert.ok(t.includes('CAP_SYS_ADMIN') && t.includes('CAP_NET_ADMIN'));
  assert.ok(!t.includes('CAP_CHOWN') && !t.includes('CAP_KILL'));
  assert.equal(t.length, DEFAULT_CAPABILITIES.length);
});

test('ALL', () => {
  assert.deepEqual(tweak([], ['ALL']), []);
  assert.deepEqual(tweak(['NET_BIND_SERVICE'], ['all']), ['CAP_NET_BIND_SERVICE']);
  const all = tweak(['ALL'], ['SYS_ADMIN']);
  assert.equal(all.length, 40);
  assert.ok(!all.includes('CAP_SYS_ADMIN'));
  assert.equal(tweak(['ALL'], ['ALL']).length, 41);
  assert.equal(tweak([], [], true).length, 41);
  assert.equal(tweak([], [], true, 37).length, 38); // an older kernel has fewer
});

test('unknown or unsupported capabilities are refused', () => {
  assert.throws(() => tweak(['CAP_FLY'], []), (e: Error & { kind?: string }) => e.kind === 'invalid-parameter' && e.message === 'unknown capability: "CAP_FLY"');
  assert.throws(() => tweak(['BPF'], [], false, 37), /not supported by your kernel.*"CAP_BPF"/);
});

test('privileged and ALL stop at the daemon bounding set; adding a capability outside it is refused', () => {
  const bounding = 0x1fffeffffffn; // as on a host without CAP_SYS_RESOURCE (24)
  const all = tweakCapabilities({ privileged: true, capLastCap: 40, bounding });
  assert.equal(all.length, 40);
  assert.ok(!all.includes('CAP_SYS_RESOURCE'));
  assert.ok(!tweakCapabilities({ capAdd: ['ALL'], capLastCap: 40, bounding }).includes('CAP_SYS_RESOURCE'));
  assert.throws(() => tweakCapabilities({ capAdd: ['SYS_RESOURCE'], capLastCap: 40, bounding }), /not available in the current environment: "CAP_SYS_RESOURCE"/);
});

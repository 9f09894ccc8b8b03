// The bridge driver's boolean options are read as dockerd reads them (strconv.ParseBool), at
// create (a bad value is a 400 with dockerd's text) and where the kernel side uses them: a
// network made with enable_icc=0 must get ICC off, not the "anything but 'false'" reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolOption, checkDriverOptions, ENABLE_ICC, ENABLE_IP_MASQUERADE } from './driver-options.ts';

test('enable_icc and enable_ip_masquerade: every spelling Go takes, the fallback when absent', () => {
  for (const v of ['0', 'f', 'F', 'false', 'FALSE', 'False']) assert.equal(boolOption({ [ENABLE_ICC]: v }, ENABLE_ICC, true), false, v);
  for (const v of ['1', 't', 'T', 'true', 'TRUE', 'True']) assert.equal(boolOption({ [ENABLE_ICC]: v }, ENABLE_ICC, false), true, v);
  assert.equal(boolOption({}, ENABLE_ICC, true), true);
  assert.equal(boolOption({}, ENABLE_IP_MASQUERADE, false), false);
});

test('a value Go refuses: dockerd\'s message, as a 400 (invalid parameter), at create and at use', () => {
  for (const v of ['maybe', 'yes', 'on', ' true', 'tRUE', '']) {
    const want = { kind: 'invalid-parameter', message: `failed to parse ${ENABLE_ICC} value: ${v} (strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax)` };
    assert.throws(() => checkDriverOptions({ [ENABLE_ICC]: v }), want, JSON.stringify(v));
    assert.throws(() => boolOption({ [ENABLE_ICC]: v }, ENABLE_ICC, true), want, JSON.stringify(v));
  }
  assert.doesNotThrow(() => checkDriverOptions({ [ENABLE_ICC]: 'F', [ENABLE_IP_MASQUERADE]: '1' }));
});

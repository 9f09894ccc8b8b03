import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDuration, goList, goQuote, goQuoteList, goQuoteRune } from './go-format.ts';

test('quoted lists as dockerd writes CMD and ENTRYPOINT into history', () => {
  assert.equal(goQuoteList(['/bin/sh', '-c', 'echo "hi"\tx']), '["/bin/sh" "-c" "echo \\"hi\\"\\tx"]');
  assert.equal(goQuote('a\\b\x01é'), '"a\\\\b\\x01é"');
  assert.equal(goList(['/bin/sh', '-c']), '[/bin/sh -c]');
});

test('HEALTHCHECK parts: durations and the retries rune', () => {
  assert.deepEqual([0, 5e9, 1.5e9, 300e9, 3600e9, 90.5e9, 500e6, 1500, 7].map(goDuration), ['0s', '5s', '1.5s', '5m0s', '1h0m0s', '1m30.5s', '500ms', '1.5µs', '7ns']);
  assert.equal(goQuoteRune(0), "'\\x00'");
  assert.equal(goQuoteRune(3), "'\\x03'");
  assert.equal(goQuoteRune(7), "'\\a'");
  assert.equal(goQuoteRune(65), "'A'");
});

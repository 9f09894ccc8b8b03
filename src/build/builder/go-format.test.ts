import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goList, goQuote, goQuoteList, goQuoteRune } from './go-format.ts';

test('quoted lists as dockerd writes CMD and ENTRYPOINT into history', () => {
  assert.equal(goQuoteList(['/bin/sh', '-c', 'echo "hi"\tx']), '["/bin/sh" "-c" "echo \\"hi\\"\\tx"]');
  assert.equal(goQuote('a\\b\x01é'), '"a\\\\b\\x01é"');
  assert.equal(goList(['/bin/sh', '-c']), '[/bin/sh -c]');
});

test('HEALTHCHECK parts: the retries rune', () => {
  assert.equal(goQuoteRune(0), "'\\x00'");
  assert.equal(goQuoteRune(3), "'\\x03'");
  assert.equal(goQuoteRune(7), "'\\a'");
  assert.equal(goQuoteRune(65), "'A'");
});

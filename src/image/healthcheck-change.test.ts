import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './changes.ts';

const hc = (line: string) => applyChanges({}, [line]).Healthcheck;

test('HEALTHCHECK as a --change: shell and JSON forms, flags, NONE', () => {
  assert.deepEqual(hc('HEALTHCHECK --interval=1s CMD true'), { Test: ['CMD-SHELL', 'true'], Interval: 1e9 });
  assert.deepEqual(hc('healthcheck --timeout=300ms --start-period=2s --start-interval=100ms --retries=4 CMD ["cat", "/ok"]'), {
    Test: ['CMD', 'cat', '/ok'], Timeout: 3e8, StartPeriod: 2e9, StartInterval: 1e8, Retries: 4,
  });
  assert.deepEqual(hc('HEALTHCHECK NONE'), { Test: ['NONE'] });
});

test('HEALTHCHECK refusals in the builder\'s words', () => {
  const refuses = (line: string, re: RegExp) => assert.throws(() => hc(line), re);
  refuses('HEALTHCHECK', /HEALTHCHECK requires at least one argument/);
  refuses('HEALTHCHECK NONE now', /HEALTHCHECK NONE takes no arguments/);
  refuses('HEALTHCHECK RUN true', /Unknown type "RUN" in HEALTHCHECK \(try CMD\)/);
  refuses('HEALTHCHECK CMD', /Missing command after HEALTHCHECK CMD/);
  refuses('HEALTHCHECK --interval=1us CMD true', /Interval "interval" cannot be less than 1ms/);
  refuses('HEALTHCHECK --interval=soon CMD true', /time: invalid duration "soon"/);
  refuses('HEALTHCHECK --retries=-1 CMD true', /--retries cannot be negative \(-1\)/);
  refuses('HEALTHCHECK --every=1s CMD true', /Unknown flag: every/);
});

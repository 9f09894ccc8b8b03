import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neededStages, parseDockerfile, stagePlan } from './index.ts';
import { DockerfileError, type ParsedDockerfile, type Stage } from './types.ts';

/** FROM words as written, `$BASE` standing for "base" (the engine expands with meta ARGs). */
const resolve = (s: Stage) => s.from.image.replace('$BASE', 'base');
const names = (waves: Stage[][]) => waves.map((w) => w.map((s) => s.name ?? String(s.index)));

const MULTI = parseDockerfile(`FROM alpine AS base
RUN apk add git
FROM base AS deps
RUN fetch deps
FROM golang AS tools
RUN build tools
FROM $BASE AS build
COPY --from=deps /deps /deps
COPY --from=Tools /bin/t /bin/t
RUN make
FROM alpine AS docs
RUN make docs
FROM scratch AS final
COPY --from=build /out /
COPY --from=2 /bin/t /t
`);

// [target, waves of stage names]
const cases: [string | undefined, string[][]][] = [
  [undefined, [['base', 'tools'], ['deps'], ['build'], ['final']]],
  ['final', [['base', 'tools'], ['deps'], ['build'], ['final']]],
  ['BUILD', [['base', 'tools'], ['deps'], ['build']]],
  ['deps', [['base'], ['deps']]],
  ['tools', [['tools']]],
  ['docs', [['docs']]],
];

test('neededStages: only what the target reaches, in waves of independent stages', () => {
  for (const [target, want] of cases) assert.deepEqual(names(neededStages(MULTI, target, resolve)), want, String(target));
});

test('stagePlan: each needed stage with the stages it needs directly', () => {
  const plan = stagePlan(MULTI, undefined, resolve);
  assert.equal(plan.target.name, 'final');
  assert.deepEqual(plan.stages.map((s) => s.index), [0, 1, 2, 3, 5]);
  assert.deepEqual(Object.fromEntries(plan.needs), { 0: [], 1: [0], 2: [], 3: [0, 1, 2], 5: [2, 3] });
});

test('a name that is no earlier stage is an image; a later stage is not a dependency', () => {
  const p = parseDockerfile('FROM later AS first\nCOPY --from=later /a /a\nCOPY --from=nginx:1 /b /b\nFROM busybox AS later\n');
  assert.deepEqual(names(neededStages(p, 'first', (s) => s.from.image)), [['first']]);
});

test('the last stage is the default target, a single stage needs nothing', () => {
  const p = parseDockerfile('FROM a\nRUN x\n');
  assert.deepEqual(names(neededStages(p, undefined, (s) => s.from.image)), [['0']]);
});

test('COPY --from may name a stage through the engine\'s expansion', () => {
  const p = parseDockerfile('FROM a AS one\nFROM b\nCOPY --from=$SRC /x /x\n');
  const waves = neededStages(p, undefined, (s) => s.from.image, (w) => w.replace('$SRC', 'one'));
  assert.deepEqual(names(waves), [['one'], ['1']]);
});

test('errors: an unknown target, a stage index that is not built before', () => {
  const refuses = (p: ParsedDockerfile, target: string | undefined, message: string, line?: number) =>
    assert.throws(() => neededStages(p, target, (s) => s.from.image), (e: unknown) => e instanceof DockerfileError && e.message === message && e.line === line);
  refuses(MULTI, 'nosuch', 'failed to reach build target nosuch in Dockerfile');
  refuses(parseDockerfile('FROM a\nCOPY --from=0 /a /a\n'), undefined, 'invalid stage index 0', 2);
  refuses(parseDockerfile('FROM a\nFROM b\nCOPY --from=5 /a /a\n'), undefined, 'invalid stage index 5', 3);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BuildCancelledError } from './errors.ts';
import { CommandFailedError } from './run-step.ts';
import { build, busyboxHost, masked } from './build.test-helpers.ts';

const TWO = 'FROM busybox AS a\nRUN make a\nFROM busybox AS b\nRUN make b\nFROM busybox\nCOPY --from=a /out/a /a\nCOPY --from=1 /out/b /b\n';

/** onRun where each RUN writes /out/<x> and the RUNs named in `together` must all be running
 * before any of them ends: a build that runs them one after the other never finishes. */
function together(host: ReturnType<typeof busyboxHost>, names: string[]) {
  const started = new Set<string>();
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  host.onRun = async (call) => {
    const name = call.config.Cmd!.at(-1)!.split(' ')[1]!;
    started.add(name);
    if (names.every((n) => started.has(n))) release();
    await all;
    return { output: `made ${name}\n`, files: { [`/out/${name}`]: name } };
  };
}

test('independent stages run at the same time; the output reads as a sequential build', async () => {
  const host = busyboxHost();
  together(host, ['a', 'b']);
  const b = await build(TWO, { host });
  assert.equal(b.error, undefined);
  assert.equal(masked(b.text), [
    'Step 1/7 : FROM busybox AS a', ' ---> ID', 'Step 2/7 : RUN make a', ' ---> Running in ID', 'made a', 'Removing intermediate container ID', ' ---> ID',
    'Step 3/7 : FROM busybox AS b', ' ---> ID', 'Step 4/7 : RUN make b', ' ---> Running in ID', 'made b', 'Removing intermediate container ID', ' ---> ID',
    'Step 5/7 : FROM busybox', ' ---> ID', 'Step 6/7 : COPY --from=a /out/a /a', ' ---> ID', 'Step 7/7 : COPY --from=1 /out/b /b', ' ---> ID',
    'Successfully built ID', '',
  ].join('\n'));
  const files = host.images.get(b.imageId!)!.files;
  assert.equal(files.get('/a')?.content, 'a');
  assert.equal(files.get('/b')?.content, 'b');
  assert.equal(b.aux.length, 3, 'one aux per stage, as dockerd');
  assert.equal(host.calls.filter((c) => c === 'baseImage busybox').length, 1, 'three stages on busybox: one lookup (one pull, were it missing)');
});

test('--target builds only the stages it needs, and numbers only their steps', async () => {
  const host = busyboxHost();
  host.onRun = (call) => ({ files: { '/out/a': call.config.Cmd!.at(-1)! } });
  const b = await build('FROM busybox AS a\nRUN make a\nFROM busybox AS unused\nRUN make u\nFROM a AS t\nRUN make t\nFROM busybox AS after\n', { host, target: 't' });
  assert.equal(b.error, undefined);
  assert.deepEqual(host.runs.map((r) => r.config.Cmd!.at(-1)), ['make a', 'make t']);
  assert.match(b.text, /^Step 1\/4 : FROM busybox AS a\n/);
  assert.match(b.text, /Step 3\/4 : FROM a AS t\n/);
  const missing = await build('FROM busybox AS a\n', { target: 'nosuch' });
  assert.equal((missing.error as Error).message, 'failed to reach build target nosuch in Dockerfile');
});

test('a failing stage stops the stages running beside it and removes their containers', async () => {
  const host = busyboxHost();
  let aborted = false;
  host.onRun = async (call, signal) => {
    if (call.config.Cmd!.at(-1) === 'make b') return { exitCode: 2, output: 'b broke\n' };
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    aborted = true;
    return {};
  };
  const b = await build(TWO, { host, tags: ['x'] });
  assert.ok(b.error instanceof CommandFailedError, String(b.error));
  assert.equal(b.error.line, 4);
  assert.ok(aborted, 'the other stage saw the abort');
  assert.equal(host.containers.size, 0);
  assert.match(b.text, /b broke\n/, 'the failing stage output is shown');
  assert.equal(host.tags.size, 0);
});

test('a client that goes away cancels the build; its RUN container is removed', async () => {
  const host = busyboxHost();
  const ac = new AbortController();
  host.onRun = async (_call, signal) => {
    ac.abort();
    await sleep(1);
    assert.ok(signal.aborted);
    return {};
  };
  const b = await build('FROM busybox\nRUN sleep 100\nRUN never\n', { host, signal: ac.signal });
  assert.ok(b.error instanceof BuildCancelledError, String(b.error));
  assert.equal(host.containers.size, 0);
  assert.equal(host.runs.length, 1);
});

test('ONBUILD triggers of the base run right after FROM; the new image has none', async () => {
  const host = busyboxHost();
  host.onRun = () => ({ output: 'trig\n' });
  const base = await build('FROM busybox\nONBUILD RUN echo trig\n', { host, tags: ['base'] });
  host.refs.set('base', base.imageId!);
  const b = await build('FROM base\nENV A=1\n', { host });
  assert.match(masked(b.text), /^Step 1\/2 : FROM base\n# Executing 1 build trigger\n ---> Running in ID\ntrig\nRemoving intermediate container ID\n ---> ID\nStep 2\/2/);
  assert.equal(host.images.get(b.imageId!)!.config.OnBuild, undefined);
  assert.deepEqual(host.images.get(base.imageId!)!.config.OnBuild, ['RUN echo trig']);
});

test('a stage named through a meta ARG (FROM $STAGE) is needed and awaited', async () => {
  const host = busyboxHost();
  host.onRun = (call) => ({ files: { '/made': call.config.Cmd!.at(-1)! } });
  const b = await build('ARG STAGE=base\nARG X=${NOPE}\nFROM busybox AS base\nRUN make\nFROM $STAGE\nRUN check\n', { host });
  assert.equal(b.error, undefined, String(b.error));
  assert.deepEqual(host.runs.map((r) => r.config.Cmd!.at(-1)), ['make', 'check']);
  assert.equal(host.images.get(host.runs[1]!.image)!.files.get('/made')?.content, 'make', 'built on the base stage');
  assert.match(b.text, /^Step 1\/6 : ARG STAGE=base\nStep 2\/6 : ARG X=\$\{NOPE\}\n\[Warning\] Dockerfile:2: variable NOPE is not defined/);
});

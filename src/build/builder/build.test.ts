import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandFailedError, HOLD_MS } from './run-step.ts';
import { build, busyboxHost, masked } from './build.test-helpers.ts';

test('a build prints the classic builder transcript and tags the image', async () => {
  const host = busyboxHost();
  host.onRun = () => ({ output: 'hi\n' });
  const b = await build('FROM busybox\nENV A=b\nRUN echo $A\n', { host, tags: ['x:latest'] });
  assert.equal(b.error, undefined);
  assert.equal(masked(b.text), [
    'Step 1/3 : FROM busybox', ' ---> ID', 'Step 2/3 : ENV A=b', ' ---> ID', 'Step 3/3 : RUN echo $A',
    ' ---> Running in ID', 'hi', 'Removing intermediate container ID', ' ---> ID', 'Successfully built ID', 'Successfully tagged x:latest', '',
  ].join('\n'));
  assert.deepEqual(b.aux, [{ ID: b.imageId }]);
  assert.equal(host.tags.get('x:latest'), b.imageId);
  const img = host.images.get(b.imageId!)!;
  assert.equal(img.createdBy, '/bin/sh -c echo $A');
  assert.deepEqual(img.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=b']);
  assert.deepEqual(host.runs[0]!.config.Cmd, ['/bin/sh', '-c', 'echo $A']);
  assert.deepEqual(host.runs[0]!.config.Entrypoint, []);
  assert.deepEqual(host.runs[0]!.config.Healthcheck, { Test: ['NONE'] });
  assert.equal(host.containers.size, 0, 'the RUN container is removed');
});

test('build args: in the RUN env and its history text, not in the image; unused ones warned about', async () => {
  const host = busyboxHost();
  const b = await build('ARG BASE=busybox\nFROM $BASE\nARG V=1\nARG BASE\nRUN env\n', { host, buildArgs: { V: '2', UNUSED: 'x', HTTP_PROXY: 'http://p' } });
  assert.equal(b.error, undefined);
  const env = host.runs[0]!.config.Env!;
  assert.ok(env.includes('V=2') && env.includes('BASE=busybox') && env.includes('HTTP_PROXY=http://p'), env.join(' '));
  const img = host.images.get(b.imageId!)!;
  assert.equal(img.createdBy, '|2 BASE=busybox V=2 /bin/sh -c env');
  assert.ok(!img.config.Env!.some((e) => e.startsWith('V=')));
  assert.match(b.text, /^Step 1\/5 : ARG BASE=busybox\nStep 2\/5 : FROM \$BASE\n/);
  assert.match(b.text, /\[Warning\] One or more build-args \[UNUSED\] were not consumed\nSuccessfully built/);
  assert.equal(host.images.get(host.images.get(b.imageId!)!.parent!)!.createdBy, '/bin/sh -c #(nop)  ARG BASE');
});

test('ENV wins over ARG; ENV pairs expand with the env from before the instruction', async () => {
  const host = busyboxHost();
  const b = await build('FROM busybox\nARG X=arg\nENV X=env Y=$X\nENV Z=$X\n', { host });
  assert.deepEqual(host.images.get(b.imageId!)!.config.Env!.slice(1), ['X=env', 'Y=arg', 'Z=env']);
});

test('a failing RUN stops the build with its code and line, removes its container, tags nothing', async () => {
  const host = busyboxHost();
  host.onRun = () => ({ exitCode: 3, output: 'out\n' });
  const b = await build('FROM busybox\nRUN exit 3\nRUN echo never\n', { host, tags: ['x:latest'] });
  assert.ok(b.error instanceof CommandFailedError);
  assert.equal(b.error.message, "The command '/bin/sh -c exit 3' returned a non-zero code: 3");
  assert.equal(b.error.exitCode, 3);
  assert.equal(b.error.line, 2);
  assert.match(b.text, /out\nRemoving intermediate container [0-9a-f]{12}\n$/);
  assert.equal(host.runs.length, 1);
  assert.equal(host.containers.size, 0);
  assert.equal(host.tags.size, 0);
});

test('a variable that nothing defines expands to nothing, with a warning naming the line', async () => {
  const host = busyboxHost();
  const b = await build('FROM busybox\nENV A=${NOPE}x B=${NOPE2:-d}\n', { host });
  assert.deepEqual(host.images.get(b.imageId!)!.config.Env!.slice(1), ['A=x', 'B=d']);
  assert.match(b.text, /\[Warning\] Dockerfile:2: variable NOPE is not defined: it expands to an empty string\n/);
  assert.doesNotMatch(b.text, /variable NOPE2/);
});

test('--label options become LABEL steps at the end, sorted, taken literally', async () => {
  const host = busyboxHost();
  const b = await build('FROM busybox\n', { host, labels: { z: '1', b: '$x' } });
  assert.match(b.text, /Step 2\/3 : LABEL b=\$x\n ---> \w+\nStep 3\/3 : LABEL z=1\n/);
  assert.deepEqual(host.images.get(b.imageId!)!.config.Labels, { b: '$x', z: '1' });
});

test('RUN containers get the build options as HostConfig; RUN --network overrides the mode', async () => {
  const host = busyboxHost();
  await build('FROM busybox\nRUN a\nRUN --network=none b\n', { host, networkMode: 'bridge', memory: 1 << 26, extraHosts: ['h:127.0.0.1'], shmSize: 1 << 20 });
  assert.deepEqual(host.runs[0]!.hostConfig, { NetworkMode: 'bridge', ExtraHosts: ['h:127.0.0.1'], ShmSize: 1 << 20, Memory: 1 << 26 });
  assert.equal(host.runs[1]!.hostConfig.NetworkMode, 'none');
});

test('an ARG used before it is declared: a warning names both lines (RUN and expanded words)', async () => {
  const b = await build('FROM busybox\nRUN echo $V ${HOME}\nENV X=$V\nARG V=1\n');
  assert.equal(b.error, undefined);
  assert.match(b.text, /\[Warning\] Dockerfile:2: variable V is used before ARG V \(line 4\) declares it: it expands to an empty string\n/);
  assert.match(b.text, /\[Warning\] Dockerfile:3: variable V is used before ARG V \(line 4\) declares it/);
  assert.doesNotMatch(b.text, /variable HOME/, 'no ARG declares HOME: it is the shell business');
});

test('RUN output: after " ---> Running in"; live while it runs; held at most HOLD_MS from a host that does not say the id early', async () => {
  const host = busyboxHost();
  let streamed = '';
  let duringRun = '';
  host.onRun = async (_call, _signal, output) => {
    output(Buffer.from('first\n'));
    await new Promise((r) => setTimeout(r, 20));
    duringRun = streamed;
    return { output: 'last\n' };
  };
  const b = await build('FROM busybox\nRUN x\n', { host, onStream: (t) => (streamed += t) });
  assert.match(masked(b.text), / ---> Running in ID\nfirst\nlast\n/);
  assert.match(duringRun, /first\n$/, 'shown while the RUN still runs');
  host.announcesCreation = false;
  host.onRun = async (_call, _signal, output) => {
    output(Buffer.from('early\n'));
    await new Promise((r) => setTimeout(r, HOLD_MS + 200));
    return { output: 'late\n' };
  };
  const slow = await build('FROM busybox\nRUN y\n', { host });
  assert.match(masked(slow.text), /Step 2\/2 : RUN y\nearly\nlate\nRemoving intermediate container ID\n/, 'no id line once the output went out without it');
  host.onRun = async (_call, _signal, output) => ({ output: (output(Buffer.from('a\n')), 'b\n') });
  const quick = await build('FROM busybox\nRUN z\n', { host });
  assert.match(masked(quick.text), / ---> Running in ID\na\nb\n/);
});

test('a build arg declared only in a stage the target skips is not reported as unused', async () => {
  const b = await build('FROM busybox AS skipped\nARG A\nFROM busybox AS t\n', { target: 't', buildArgs: { A: '1', TYPO: '2' } });
  assert.equal(b.error, undefined);
  assert.match(b.text, /\[Warning\] One or more build-args \[TYPO\] were not consumed\n/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, busyboxHost } from './build.test-helpers.ts';
import type { MemoryHost } from './memory-host.test-helpers.ts';

/** createdBy of the image and its parents, newest first, down to (not including) busybox. */
function history(host: MemoryHost, id: string): string[] {
  const out: string[] = [];
  for (let img = host.images.get(id); img?.parent !== undefined; img = host.images.get(img.parent)) out.push(img.createdBy);
  return out;
}

test('config-only instructions: the config and the history texts dockerd writes', async () => {
  const host = busyboxHost();
  const df = ['FROM busybox', 'LABEL l1=v1', 'HEALTHCHECK --interval=5s --retries=3 CMD echo ok', 'VOLUME /data /x', 'EXPOSE 80 443/udp', 'USER nobody', 'STOPSIGNAL SIGTERM', 'SHELL ["/bin/sh", "-c"]', 'ONBUILD RUN echo trig', 'CMD echo hi', 'ENTRYPOINT ["/bin/sh"]', 'MAINTAINER me'].join('\n');
  const b = await build(df, { host });
  assert.equal(b.error, undefined, String(b.error));
  assert.deepEqual(history(host, b.imageId!).reverse(), [
    '/bin/sh -c #(nop)  LABEL l1=v1',
    `/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "echo ok"] "5s" "0s" "0s" '\\x03'}`,
    '/bin/sh -c #(nop)  VOLUME [/data /x]',
    '/bin/sh -c #(nop)  EXPOSE 443/udp 80',
    '/bin/sh -c #(nop)  USER nobody',
    '/bin/sh -c #(nop)  STOPSIGNAL SIGTERM',
    '/bin/sh -c #(nop)  SHELL [/bin/sh -c]',
    '/bin/sh -c #(nop)  ONBUILD RUN echo trig',
    '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo hi"]',
    '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh"]',
    '/bin/sh -c #(nop)  MAINTAINER me',
  ]);
  const c = host.images.get(b.imageId!)!.config;
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '443/udp': {} });
  assert.deepEqual(c.Volumes, { '/data': {}, '/x': {} });
  assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'echo ok'], Interval: 5e9, Retries: 3 });
  assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo hi'], 'a CMD of this stage survives ENTRYPOINT');
  assert.equal(c.User, 'nobody');
});

test('MAINTAINER: the author of its image and of every later one of its stage (history too), not of another stage', async () => {
  const host = busyboxHost();
  const df = 'FROM busybox AS one\nWORKDIR /w\nMAINTAINER Ann <ann@example.com>\nRUN touch /x\nCOPY a.txt /\nENV E=1\nFROM one\nRUN touch /y\n';
  const b = await build(df, { host, files: { 'a.txt': 'A' } });
  assert.equal(b.error, undefined, String(b.error));
  const chain: { author: string | undefined; entry: string | undefined }[] = [];
  for (let img = host.images.get(b.imageId!); img?.parent !== undefined; img = host.images.get(img.parent)) {
    chain.unshift({ author: img.author, entry: img.history.at(-1)?.author });
  }
  const ann = 'Ann <ann@example.com>';
  const none = { author: undefined, entry: undefined };
  // WORKDIR, MAINTAINER, RUN, COPY, ENV; then the second stage's RUN.
  assert.deepEqual(chain, [none, { author: ann, entry: ann }, { author: ann, entry: ann }, { author: ann, entry: ann }, { author: ann, entry: ann }, none]);
  assert.equal(host.imageConfig(b.imageId!).history?.at(-2)?.author, ann, 'the first stage\'s entries stay in the history');
});

test('ENTRYPOINT resets the CMD the base image had; SHELL changes what RUN runs', async () => {
  const host = busyboxHost();
  const b = await build('FROM busybox\nENTRYPOINT ["top"]\nSHELL ["/bin/ash", "-eo"]\nRUN x\n', { host });
  assert.equal(host.images.get(b.imageId!)!.config.Cmd, null);
  assert.deepEqual(host.runs[0]!.config.Cmd, ['/bin/ash', '-eo', 'x']);
  assert.equal(history(host, b.imageId!)[1], '/bin/ash -eo #(nop)  SHELL [/bin/ash -eo]');
});

test('bad values: EXPOSE and STOPSIGNAL name the line', async () => {
  const e = await build('FROM busybox\nEXPOSE 80/tcp nope\n');
  assert.equal((e.error as Error).message, 'Invalid containerPort: nope');
  assert.equal((e.error as { line?: number }).line, 2);
  const s = await build('FROM busybox\nSTOPSIGNAL SIGNOPE\n');
  assert.equal((s.error as Error).message, 'Invalid signal: SIGNOPE');
});

test('WORKDIR creates the missing directories as a layer; an existing one is config only', async () => {
  const host = busyboxHost();
  const b = await build('FROM busybox\nWORKDIR /app\nWORKDIR sub\nWORKDIR /tmp\n', { host });
  assert.equal(b.error, undefined, String(b.error));
  const img = host.images.get(b.imageId!)!;
  assert.equal(img.config.WorkingDir, '/tmp');
  assert.equal(img.files.get('/app/sub')?.type, 'dir');
  assert.equal(img.files.get('/app/sub')?.mode, 0o755);
  assert.deepEqual(host.calls.filter((c) => /WORKDIR/.test(c)), ['addFiles /bin/sh -c #(nop) WORKDIR /app', 'addFiles /bin/sh -c #(nop) WORKDIR /app/sub', 'commitConfig /bin/sh -c #(nop) WORKDIR /tmp']);
});

test('COPY: relative to WORKDIR, into an existing directory, with --chown names from the image', async () => {
  const host = busyboxHost();
  const files = { 'a.txt': 'A', 'd/x': 'X', 'd/e/y': 'Y' };
  const b = await build('FROM busybox\nWORKDIR /app\nCOPY a.txt .\nCOPY a.txt /tmp\nCOPY --chown=nobody:nogroup d /d/\n', { host, files });
  assert.equal(b.error, undefined, String(b.error));
  const fs = host.images.get(b.imageId!)!.files;
  assert.equal(fs.get('/app/a.txt')?.content, 'A');
  assert.equal(fs.get('/tmp/a.txt')?.content, 'A');
  assert.equal(fs.get('/d/e/y')?.content, 'Y');
  assert.equal(fs.get('/d/x')?.uid, 65534);
  assert.equal(fs.get('/d/x')?.gid, 65534);
  const h = history(host, b.imageId!);
  assert.match(h[0]!, /^\/bin\/sh -c #\(nop\) COPY --chown=nobody:nogroupdir:[0-9a-f]{64} in \/d\/ $/);
  assert.match(h[2]!, /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \. $/);
});

test('COPY errors: missing source, several sources into a file, unknown --chown user', async () => {
  const missing = await build('FROM busybox\nCOPY nope /x\n');
  assert.equal((missing.error as Error).message, 'COPY failed: file not found in build context or excluded by .dockerignore: stat nope: file does not exist');
  assert.equal((missing.error as { line?: number }).line, 2);
  const many = await build('FROM busybox\nCOPY a b /x\n', { files: { a: '', b: '' } });
  assert.equal((many.error as Error).message, 'When using COPY with more than one source file, the destination must be a directory and end with a /');
  const user = await build('FROM busybox\nCOPY --chown=bob a /x\n', { files: { a: '' } });
  assert.match((user.error as Error).message, /^unable to convert uid\/gid chown string to host mapping: unable to find user bob/);
});

test('FROM scratch: the stage starts empty with the default PATH', async () => {
  const host = busyboxHost();
  const b = await build('FROM scratch\nCOPY a /a\n', { host, files: { a: 'A' } });
  assert.match(b.text, /^Step 1\/2 : FROM scratch\n ---> \n/);
  const img = host.images.get(b.imageId!)!;
  assert.equal(img.parent, undefined);
  assert.deepEqual(img.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  assert.deepEqual([...img.files.keys()], ['/a']);
});

test('an image that is not there names the FROM or COPY --from line, and keeps its kind', async () => {
  const from = await build('FROM busybox AS a\nFROM nosuch\n');
  assert.match((from.error as Error).message, /^pull access denied for nosuch/);
  assert.equal((from.error as { line?: number }).line, 2);
  assert.equal((from.error as { kind?: string }).kind, 'not-found');
  const copy = await build('FROM busybox\nCOPY --from=nosuch /x /x\n');
  assert.equal((copy.error as { line?: number }).line, 2);
  assert.match((copy.error as Error).message, /nosuch/);
});

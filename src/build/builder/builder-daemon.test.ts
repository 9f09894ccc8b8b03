// The builder with the real parser, the real context functions and DaemonBuildHost over an
// in-process berthd: a Dockerfile with ARG/ENV/WORKDIR/COPY/RUN/CMD beside a second stage it
// copies from, the files in the image, a rebuild served wholly from the cache, and a RUN in an
// image whose ENTRYPOINT and HEALTHCHECK must not get in its way. No container is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonBuildHost } from '../../daemon/build/build-host.ts';
import { FsView } from '../../image/copy/fs-view.ts';
import { inProcessDaemon } from '../../testing/in-process-daemon.ts';
import type { BuildOptions } from '../options.ts';
import { defaults, masked } from './build.test-helpers.ts';
import { build } from './index.ts';

const f = inProcessDaemon('berth-builder-daemon', { strict: true });
const skip = f.skip;

async function run(ctxDir: string, dockerfile: string, o: Partial<BuildOptions> = {}) {
  const text: string[] = [];
  const host = new DaemonBuildHost(f.daemon.buildHostDeps);
  const ctx = { root: new FsView(ctxDir), dockerfile: { name: 'Dockerfile', text: dockerfile }, dispose: async () => {} };
  const r = await build(ctx, { ...defaults, ...o }, host, { stream: (s) => text.push(s), aux: () => {} }, new AbortController().signal);
  return { ...r, text: text.join(''), host };
}

const TWO_STAGES = `ARG BASE=busybox
FROM $BASE AS tools
RUN echo made > /made
FROM busybox
ARG GREETING=hello
ENV WHO=world
WORKDIR /app
COPY greet.sh ./
RUN echo "$GREETING" > greeting && chmod +x greet.sh
COPY --from=tools /made /app/made
CMD ["./greet.sh"]
`;

test('a two-stage build on the daemon: transcript, files, and a fully cached rebuild', { skip }, async () => {
  const ctxDir = join(f.dir, 'ctx');
  mkdirSync(ctxDir);
  writeFileSync(join(ctxDir, 'greet.sh'), '#!/bin/sh\necho "$(cat greeting) $WHO"\n');
  const first = await run(ctxDir, TWO_STAGES, { buildArgs: { GREETING: 'hi' }, tags: ['greet:latest'] });
  assert.match(masked(first.text), /^Step 1\/11 : ARG BASE=busybox\nStep 2\/11 : FROM \$BASE AS tools\n ---> ID\nStep 3\/11 : RUN echo made > \/made\n ---> Running in ID\nRemoving intermediate container ID\n ---> ID\n/);
  assert.match(first.text, /Successfully tagged greet:latest\n$/);
  const files = await first.host.withImageTree(first.imageId, async (root) => ['greeting', 'made', 'greet.sh'].map((p) => readFileSync(join(root, 'app', p), 'utf8')));
  assert.deepEqual(files, ['hi\n', 'made\n', '#!/bin/sh\necho "$(cat greeting) $WHO"\n']);
  const second = await run(ctxDir, TWO_STAGES, { buildArgs: { GREETING: 'hi' } });
  assert.equal(second.imageId, first.imageId);
  assert.equal(second.text.match(/ ---> Using cache\n/g)?.length, 8);
  assert.doesNotMatch(second.text, /Running in/);
});

test('RUN in an image with an ENTRYPOINT and a HEALTHCHECK runs just its command', { skip }, async () => {
  const ctxDir = mkdtempSync(join(f.dir, 'ctx-'));
  const df = 'FROM busybox\nENTRYPOINT ["echo", "EP"]\nHEALTHCHECK --interval=1s CMD exit 1\nRUN echo ran > /ran\n';
  const r = await run(ctxDir, df);
  assert.equal(await r.host.withImageTree(r.imageId, async (root) => readFileSync(join(root, 'ran'), 'utf8')), 'ran\n', r.text);
});

test('RUN <<EOF with a #! body runs it as a file at /dev/pipes/EOF; its text is in the cache key, not in the layer', { skip }, async () => {
  const ctxDir = mkdtempSync(join(f.dir, 'ctx-'));
  const df = (word: string) => `FROM busybox\nRUN <<EOF\n#!/bin/sh\necho "${word} from $0" > /inline.txt\nEOF\n`;
  const r = await run(ctxDir, df('first'));
  const read = (id: string) => r.host.withImageTree(id, async (root) => [readFileSync(join(root, 'inline.txt'), 'utf8'), existsSync(join(root, 'dev', 'pipes'))]);
  assert.deepEqual(await read(r.imageId), ['first from /dev/pipes/EOF\n', false], r.text);
  const changed = await run(ctxDir, df('second'));
  assert.doesNotMatch(changed.text, /Using cache/, 'another body is another step');
  assert.deepEqual(await read(changed.imageId), ['second from /dev/pipes/EOF\n', false]);
});

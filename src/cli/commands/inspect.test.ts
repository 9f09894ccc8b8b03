// berth inspect and container inspect: byte for byte what the docker CLI 28.2 prints for the same
// berthd (indentation, templates, errors and exit codes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { importImage } from '../../testing/api.ts';
import { berth, run } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';

const skip = requires('docker');
let d: Berthd;

before(async () => {
  d = await startBerthd();
  await importImage(d.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest' });
  await d.client().containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo "<&>"'], Labels: { 'com.example': 'a<b>&"c"' } }, 'inspected');
});
after(async () => {
  // A container that removes itself (--rm) may be gone by now; the daemon must stop either way.
  try {
    for (const c of (await d?.client().containers.list({ all: true })) ?? []) await d.client().containers.remove(c.Id, { force: true }).catch(() => undefined);
  } finally {
    await d?.cleanup();
  }
});

const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'client') });

async function same(args: string[]): Promise<void> {
  const [theirs, ours] = [await run('docker', args, { env: env() }), await berth(args, { env: env() })];
  assert.deepEqual([ours.code, ours.stdout, ours.stderr], [theirs.code, theirs.stdout, theirs.stderr.replaceAll('docker', 'berth')], args.join(' '));
}

test('inspect prints what docker prints', { skip }, async () => {
  for (const args of [
    ['inspect', 'inspected'], ['inspect', 'busybox', 'inspected'], ['inspect', '-f', 'json', 'inspected', 'busybox'],
    ['inspect', '-f', '{{.Name}} {{index .Config.Labels "com.example"}} {{json .Config.Cmd}}', 'inspected'],
    ['inspect', '-f', '{{.Config.Labels.nope}}', 'inspected'], ['inspect', '-f', '{{.Nope}}', 'inspected', 'busybox'],
    ['inspect', '-f', '{{.Name}', 'inspected'], ['inspect', 'nope'], ['inspect', 'inspected', 'nope'], ['inspect', '-f', '{{.Id}}', 'nope'],
    ['inspect', '--type', 'image', 'inspected'], ['inspect', '--type', 'container', 'busybox'], ['inspect', '--type', 'foo', 'x'],
    ['inspect', '--type', '', 'x'], ['inspect', '-s', 'busybox'], ['inspect'],
    ['container', 'inspect', 'inspected'], ['container', 'inspect', '-f', '{{.State.Status}}', 'inspected', 'busybox'],
    ['container', 'inspect', '--size', '-f', '{{.Name}}', 'inspected'], ['container', 'inspect'],
  ]) await same(args);
});

test('inspect re-indents the daemon\'s bytes without re-encoding them', async () => {
  const r = await berth(['inspect', 'inspected'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\[\n {4}\{\n {8}"Id": "[0-9a-f]{64}",\n/);
  // berthd writes < > & unescaped; docker (json.Indent) keeps them so, and so must berth.
  assert.match(r.stdout, /"com\.example": "a<b>&\\"c\\""/);
  assert.match(r.stdout, /"ExecIDs": null,\n/);
  assert.match(r.stdout, /"Mounts": \[\],\n/);
});

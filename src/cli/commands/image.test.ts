// The image commands through the built CLI against a real berthd (and, for push and pull, a real
// registry with htpasswd auth on 127.0.0.1).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { startBerthd, BERTH } from '../../testing/berthd-harness.ts';
import { htpasswdLine, startRegistry, type RunningRegistry } from '../../testing/registry.ts';
import { berth, run } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';

const d = await startBerthd();
const work = mkdtempSync(join(tmpdir(), 'berth-image-cli-'));
after(async () => {
  await d.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const env = (config = join(work, 'config')) => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: config });
const cli = (args: string[], input?: string) => berth(args, { env: env(), ...(input !== undefined && { input }) });
const sh = (script: string) => run('sh', ['-c', script], { env: env() });
const BIN = `"${process.execPath}" "${BERTH}"`;

async function rootfsTar(file: string): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: 'etc/', type: 'directory' });
  pack.entry({ name: 'etc/hello.txt' }, 'hello from berth\n');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  writeFileSync(file, Buffer.concat(chunks));
}

test('usage errors and refusals need no daemon', async () => {
  const tag = await cli(['tag', 'a']);
  assert.equal(tag.code, 1);
  assert.equal(tag.stderr, "berth: 'berth tag' requires 2 arguments\n\nUsage:  berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nRun 'berth tag --help' for more information\n");
  const all = await cli(['pull', '-a', 'busybox:1']);
  assert.equal(all.stderr, "tag can't be used with --all-tags/-a\n");
  const allTags = await cli(['pull', '-a', 'busybox']);
  assert.equal(allTags.code, 1);
  assert.match(allTags.stderr, /does not support pull --all-tags/);
  const digest = await cli(['push', `busybox@sha256:${'a'.repeat(64)}`]);
  assert.equal(digest.stderr, 'cannot push a digest reference\n');
  const bad = await cli(['tag', 'busybox', 'Upper']);
  assert.match(bad.stderr, /^Error parsing reference: "Upper" is not a valid repository\/tag: invalid reference format/);
});

test('save refuses to write to a terminal', { skip: requires('script') }, async () => {
  const r = await run('script', ['-qec', `${BIN} save busybox`, '/dev/null'], { env: env() });
  assert.match(r.stdout, /cowardly refusing to save to a terminal\. Use the -o flag or redirect/);
});

test('import, list, inspect, history, tag', async () => {
  const file = join(work, 'rootfs.tar');
  await rootfsTar(file);
  const imp = await cli(['import', '-c', 'CMD ["/bin/sh"]', '-m', 'hello', file, 'myimg:v1']);
  assert.equal(imp.code, 0, imp.stderr);
  const id = /^sha256:([0-9a-f]{64})\n$/.exec(imp.stdout)?.[1];
  assert.ok(id, imp.stdout);

  const ls = await cli(['images']);
  assert.match(ls.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
  assert.match(ls.stdout, new RegExp(`\\nmyimg\\s+v1\\s+${id.slice(0, 12)}\\s+(Less than a second|\\d+ seconds?|About a minute) ago\\s+\\d+(\\.\\d+)?k?B\\n`));
  assert.equal((await cli(['images', '-q', 'myimg'])).stdout, `${id.slice(0, 12)}\n`);
  assert.equal((await cli(['image', 'ls', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}', 'myimg:v1'])).stdout, `sha256:${id} myimg:v1\n`);

  const inspect = await cli(['image', 'inspect', 'myimg:v1']);
  const [obj] = JSON.parse(inspect.stdout) as { Id: string; Comment: string }[];
  assert.equal(obj!.Id, `sha256:${id}`);
  assert.match(inspect.stdout, /^\[\n {4}\{\n {8}"Id": /);
  assert.equal((await cli(['image', 'inspect', '-f', '{{json .Config.Cmd}} {{.Comment}}', 'myimg:v1'])).stdout, '["/bin/sh"] hello\n');
  const missing = await cli(['image', 'inspect', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '[]\n');
  assert.match(missing.stderr, /^Error response from daemon: No such image: nope/);

  const history = await cli(['history', 'myimg:v1']);
  assert.match(history.stdout, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT\n/);
  assert.match((await cli(['history', '--format', '{{.Comment}}', 'myimg:v1'])).stdout, /^hello$/m);
  assert.match((await cli(['history', '-q', 'myimg:v1'])).stdout, new RegExp(`^${id.slice(0, 12)}$`, 'm'));

  assert.equal((await cli(['tag', 'myimg:v1', 'other/name:v2'])).code, 0);
  const both = await cli(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.match(both.stdout, /^other\/name:v2$/m);
  assert.match(both.stdout, /^myimg:v1$/m);
});

test('rmi prints Untagged and Deleted', async () => {
  const file = join(work, 'rootfs.tar');
  assert.equal((await cli(['import', '-m', 'scratch', file, 'scratch:v1'])).code, 0);
  assert.equal((await cli(['tag', 'scratch:v1', 'scratch:v2'])).code, 0);
  assert.equal((await cli(['rmi', 'scratch:v2'])).stdout, 'Untagged: scratch:v2\n');
  const rmi = await cli(['image', 'rm', 'scratch:v1']);
  assert.match(rmi.stdout, /^Untagged: scratch:v1\nDeleted: sha256:[0-9a-f]{64}\n/);
  const gone = await cli(['rmi', 'scratch:v1', 'other/name:v2']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stdout, 'Untagged: other/name:v2\n');
  assert.match(gone.stderr, /^Error response from daemon: No such image: scratch:v1/);
  const forced = await cli(['rmi', '-f', 'scratch:v1']);
  assert.equal(forced.code, 0);
  assert.match(forced.stderr, /No such image: scratch:v1/);
});

test('save and load round trip', async () => {
  const file = join(work, 'saved.tar');
  const save = await cli(['save', '-o', file, 'myimg:v1']);
  assert.equal(save.code, 0, save.stderr);
  assert.ok(readFileSync(file).length > 1024);
  assert.equal((await sh(`${BIN} save myimg:v1 > "${file}.2"`)).code, 0);
  const load = await cli(['load', '-i', file]);
  assert.equal(load.code, 0, load.stderr);
  assert.equal(load.stdout, 'Loaded image: myimg:v1\n');
  const fromStdin = await sh(`${BIN} load < "${file}.2"`);
  assert.equal(fromStdin.stdout, 'Loaded image: myimg:v1\n');
});

test('image prune asks first and reports what it removed', async () => {
  const no = await cli(['image', 'prune'], 'n\n');
  assert.equal(no.code, 0);
  assert.equal(no.stdout, 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
  const yes = await cli(['image', 'prune', '--filter', 'until=1h'], 'y\n');
  assert.match(yes.stdout, /\[y\/N\] (Deleted Images:\n[^]*\n\n)?Total reclaimed space: \d/);
  assert.match((await cli(['image', 'prune', '-f'])).stdout, /^(Deleted Images:\n[^]*\n\n)?Total reclaimed space: /);
});

test('push and pull through a registry with stored credentials', { skip: requires('registry', 'perl') }, async () => {
  let registry: RunningRegistry | undefined;
  try {
    registry = await startRegistry({ htpasswd: await htpasswdLine('alice', 's3cret') });
    const config = join(work, 'auth-config');
    mkdirSync(config, { recursive: true });
    const authed = (args: string[]) => berth(args, { env: env(config) });
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
    const name = `${registry.host}/team/app:v1`;
    assert.equal((await cli(['tag', 'myimg:v1', name])).code, 0);

    const anonymous = await cli(['push', name]);
    assert.equal(anonymous.code, 1, anonymous.stdout);
    const push = await authed(['push', name]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`^The push refers to repository \\[${registry.host}/team/app\\]$`, 'm'));
    assert.match(push.stdout, /^v1: digest: sha256:[0-9a-f]{64} size: \d+$/m);

    assert.equal((await cli(['rmi', name])).code, 0);
    const pull = await authed(['pull', name]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /^v1: Pulling from team\/app\n/);
    assert.match(pull.stdout, /\nDigest: sha256:[0-9a-f]{64}\nStatus: (Downloaded newer image|Image is up to date) for /);
    assert.ok(pull.stdout.endsWith(`\n${name}\n`), pull.stdout);
    assert.equal((await authed(['pull', '-q', name])).stdout, `${name}\n`);
    const unknown = await authed(['pull', `${registry.host}/team/missing:v1`]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error response from daemon: |manifest unknown|not found/);
  } finally {
    await registry?.stop();
  }
});

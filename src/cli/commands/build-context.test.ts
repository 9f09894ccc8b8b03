// The context `berth build` uploads, packed without a daemon: the tar read back entry by entry
// and compared with what the docker CLI 28.2 sends for the same directory (checked side by side
// against a recording server: names, order, types, modes, owners).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { isGitUrl, prepareContext, type PreparedContext } from './build-context.ts';
import { isArchive } from './build-stdin.ts';

const work = mkdtempSync(join(tmpdir(), 'berth-build-context-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Entry { name: string; type: string; mode: number; uid: number; gid: number; linkname?: string | null; text: string }

async function entries(body: Readable | undefined): Promise<Entry[]> {
  assert.ok(body);
  const out: Entry[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      let text = '';
      stream.on('data', (d: unknown) => (text += String(d)));
      stream.on('end', () => {
        out.push({ name: h.name, type: h.type!, mode: h.mode!, uid: h.uid!, gid: h.gid!, linkname: h.linkname, text });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  body.pipe(ex);
  await done;
  return out;
}

async function bytes(body: Readable | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body!) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function tree(name: string, files: Record<string, string>): string {
  const root = join(work, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    if (!rel.endsWith('/')) writeFileSync(join(root, rel), text);
  }
  return root;
}

const noStdin = () => Readable.from([]);
const prep = (spec: string, file?: string, stdin: Readable = noStdin()): Promise<PreparedContext> =>
  prepareContext(spec, file, { stdin, cwd: work });

test('a directory: names relative and byte-sorted, owned by root, links kept, dirs with their mode', async () => {
  const root = tree('plain', { Dockerfile: 'FROM busybox\n', 'sub/a': 'a\n', 'B.txt': 'b\n' });
  symlinkSync('sub/a', join(root, 'link'));
  linkSync(join(root, 'sub/a'), join(root, 'hard'));
  chmodSync(join(root, 'sub'), 0o751);
  const ctx = await prep('plain');
  assert.equal(ctx.dockerfile, 'Dockerfile');
  const got = await entries(ctx.body);
  assert.deepEqual(got.map((e) => [e.name, e.type]), [
    ['B.txt', 'file'], ['Dockerfile', 'file'], ['hard', 'file'], ['link', 'symlink'], ['sub/', 'directory'], ['sub/a', 'link'],
  ]);
  assert.ok(got.every((e) => e.uid === 0 && e.gid === 0));
  assert.equal(got.find((e) => e.name === 'sub/')!.mode, 0o751);
  assert.equal(got.find((e) => e.name === 'link')!.linkname, 'sub/a');
  assert.equal(got.find((e) => e.name === 'sub/a')!.linkname, 'hard', 'the second name of a hard link is a link to the first');
});

test('.dockerignore: patterns and exceptions as docker applies them; Dockerfile and .dockerignore always sent', async () => {
  tree('ign', {
    Dockerfile: 'FROM busybox\n', '.dockerignore': '\uFEFF# comment\nDockerfile\n.dockerignore\n/logs\n*.tmp\nvendor\n!vendor/keep\nnode_modules\n  \n',
    'logs/x.log': '', 'a.tmp': '', 'sub/b.tmp': '', 'vendor/keep/k': 'k', 'vendor/drop': '', 'node_modules/m/index.js': '', 'src/main.c': '',
  });
  const got = await entries((await prep('ign')).body);
  assert.deepEqual(got.map((e) => e.name), [
    '.dockerignore', 'Dockerfile', 'src/', 'src/main.c', 'sub/', 'sub/b.tmp', 'vendor/keep/', 'vendor/keep/k',
  ]);
});

test('.dockerignore is case-sensitive and `*` + `!name` keeps only that name', async () => {
  tree('star', { Dockerfile: 'FROM busybox\n', '.dockerignore': '*\n!keep\n', keep: 'k', drop: '', 'sub/x': '', KEEP: '' });
  const got = await entries((await prep('star')).body);
  assert.deepEqual(got.map((e) => e.name), ['.dockerignore', 'Dockerfile', 'keep']);
});

test('-f outside the context: added as .dockerfile.<random>, which .dockerignore then names', async () => {
  const root = tree('out', { 'ctx/.dockerignore': 'secret\n', 'ctx/keep': 'k', 'ctx/secret': 's', 'Dockerfile.out': 'FROM busybox\nRUN true\n' });
  const ctx = await prep(join(root, 'ctx'), join(root, 'Dockerfile.out'));
  assert.match(ctx.dockerfile!, /^\.dockerfile\.[0-9a-f]{20}$/);
  const got = await entries(ctx.body);
  assert.deepEqual(got.map((e) => e.name), ['keep', '.dockerignore', ctx.dockerfile]);
  assert.equal(got[1]!.text, `secret\n\n${ctx.dockerfile}\n`);
  assert.equal(got[2]!.text, 'FROM busybox\nRUN true\n');
  assert.equal(got[2]!.mode, 0o600);

  // Without a .dockerignore, one is made that names itself and the Dockerfile.
  const bare = tree('out2', { 'ctx/keep': 'k', 'D.out': 'FROM scratch\n' });
  const ctx2 = await prep(join(bare, 'ctx'), join(bare, 'D.out'));
  const got2 = await entries(ctx2.body);
  assert.deepEqual(got2.map((e) => [e.name, e.text]), [['keep', 'k'], ['.dockerignore', `.dockerignore\n${ctx2.dockerfile}\n`], [ctx2.dockerfile, 'FROM scratch\n']]);
});

test('-f is relative to the working directory; without it Dockerfile, else dockerfile', async () => {
  tree('rel', { 'sub/My.Dockerfile': 'FROM busybox\n', 'sub/x': '' });
  assert.equal((await prep('rel', 'rel/sub/My.Dockerfile')).dockerfile, 'sub/My.Dockerfile');
  tree('lower', { dockerfile: 'FROM busybox\n' });
  assert.equal((await prep('lower')).dockerfile, 'dockerfile');
});

test('-f - with a directory: the Dockerfile from stdin, the one in the directory left to .dockerignore', async () => {
  tree('fstdin', { Dockerfile: 'FROM old\n', '.dockerignore': 'Dockerfile\n', a: 'a' });
  const ctx = await prep('fstdin', '-', Readable.from([Buffer.from('FROM new\n')]));
  const got = await entries(ctx.body);
  assert.deepEqual(got.map((e) => e.name), ['a', '.dockerignore', ctx.dockerfile]);
  assert.equal(got[1]!.text, `Dockerfile\n\n${ctx.dockerfile}\n`);
  assert.equal(got[2]!.text, 'FROM new\n');
});

test('stdin: a tar (plain or gzip) goes up as it came; a Dockerfile becomes a one-file context', async () => {
  const p = pack();
  p.entry({ name: 'Dockerfile' }, 'FROM busybox\n');
  p.entry({ name: 'dir/f' }, 'x'.repeat(3000));
  p.finalize();
  const tar = await bytes(p as unknown as Readable);
  const plain = await prep('-', undefined, Readable.from([tar.subarray(0, 100), tar.subarray(100)]));
  assert.equal(plain.dockerfile, undefined);
  assert.ok((await bytes(plain.body)).equals(tar));
  const gz = gzipSync(tar);
  const zipped = await prep('-', 'dir/f', Readable.from([gz]));
  assert.equal(zipped.dockerfile, 'dir/f');
  assert.ok((await bytes(zipped.body)).equals(gz));

  const text = await prep('-', undefined, Readable.from([Buffer.from('FROM busybox\nRUN echo hi\n')]));
  assert.equal(text.dockerfile, 'Dockerfile');
  const got = await entries(text.body);
  assert.deepEqual(got.map((e) => [e.name, e.text, e.mode]), [['Dockerfile', 'FROM busybox\nRUN echo hi\n', 0o644]]);

  await assert.rejects(prep('-', 'Dockerfile', Readable.from([Buffer.from('FROM x\n')])), {
    message: 'unable to prepare context: ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles',
  });
  await assert.rejects(prep('-', '-'), { message: "invalid argument: can't use stdin for both build context and dockerfile" });
});

test('archives are told from text by their magic or a valid tar header', () => {
  assert.equal(isArchive(Buffer.from('FROM busybox\n')), false);
  assert.equal(isArchive(Buffer.alloc(1024)), false, 'zeros are the end of an archive, not one');
  assert.equal(isArchive(gzipSync('x')), true);
  assert.equal(isArchive(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0])), true);
  const header = Buffer.alloc(512);
  header.write('file', 0);
  header.write('0000644\0', 100);
  assert.equal(isArchive(header), false, 'a header whose checksum does not hold');
});

test('URLs go to the daemon as remote=; a path that is not there is an error in docker words', async () => {
  assert.deepEqual(await prep('http://127.0.0.1:1/ctx.tar'), { remote: 'http://127.0.0.1:1/ctx.tar' });
  assert.deepEqual(await prep('https://127.0.0.1/repo.git#main:sub', 'Dfile'), { remote: 'https://127.0.0.1/repo.git#main:sub', dockerfile: 'Dfile' });
  assert.equal(isGitUrl('github.com/x/y'), true);
  assert.equal(isGitUrl('https://127.0.0.1/x.tar'), false);
  await assert.rejects(prep('nosuch'), { message: 'unable to prepare context: path "nosuch" not found' });
  tree('file', { f: 'x' });
  await assert.rejects(prep('file/f'), { message: `unable to prepare context: context must be a directory: ${join(work, 'file/f')}` });
  tree('nodf', { a: '' });
  await assert.rejects(prep('nodf'), { message: `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${join(work, 'nodf/Dockerfile')}: no such file or directory` });
  await assert.rejects(prep('nodf', 'no/such/Dockerfile'), { message: `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${join(work, 'no')}: no such file or directory` });
});

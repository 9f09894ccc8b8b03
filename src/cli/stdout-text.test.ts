// stdout-text.ts writes what process.stdout would: the same bytes (UTF-8, more than a pipe holds)
// into a pipe, a file and /dev/null, in order with what process.stdout wrote after a hand-over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = promisify(execFile);
const moduleUrl = new URL('./stdout-text.js', import.meta.url).href;
// 200 000 characters, some of them two and three bytes in UTF-8: more than a pipe's 64 KiB.
const script = `import(${JSON.stringify(moduleUrl)}).then(({ stdoutText }) => {
  stdoutText.write('héllo ✓ '.repeat(25000));
  stdoutText.write('end\\n');
});`;
const expected = `${'héllo ✓ '.repeat(25000)}end\n`;

test('into a pipe: every byte, in order', async () => {
  const { stdout } = await run(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(stdout, expected);
});

test('into a file and /dev/null', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-stdout-text-'));
  try {
    const file = join(dir, 'out');
    for (const target of [file, '/dev/null']) {
      const fd = openSync(target, 'w');
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', fd, 'inherit'] });
      closeSync(fd);
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    }
    assert.equal(readFileSync(file, 'utf8'), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stdout closed: handed to process.stdout, which behaves as it always did', async () => {
  const both = `${script.replace("stdoutText.write('end\\\\n');", '')}`;
  const ours = await run('sh', ['-c', `exec "$0" -e "$1" >&-; echo "exit $?"`, process.execPath, both], { encoding: 'utf8' }).catch((e: { stdout: string }) => e);
  const theirs = await run('sh', ['-c', `exec "$0" -e "$1" >&-; echo "exit $?"`, process.execPath, "process.stdout.write('héllo ✓ '.repeat(25000))"], { encoding: 'utf8' }).catch((e: { stdout: string }) => e);
  assert.equal(ours.stdout, theirs.stdout);
});

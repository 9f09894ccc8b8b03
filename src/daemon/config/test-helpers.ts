// Temp files for the tests in this folder (not a test itself, so node --test skips it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Cleanup {
  after(fn: () => void): void;
}

/** A fresh directory under os.tmpdir(), removed when the test `t` ends. */
export function tempDir(t: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `text` to DIR/daemon.json in a fresh temp directory and returns its path. */
export function tempDaemonJson(t: Cleanup, text: string): string {
  const file = join(tempDir(t), 'daemon.json');
  writeFileSync(file, text);
  return file;
}

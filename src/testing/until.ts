// Polling for a condition a test cannot await directly (a file appearing, a process ending),
// failing with what it waited for once the time is up.
import assert from 'node:assert/strict';

export async function until(what: string, check: () => boolean | Promise<boolean>, opts: { timeoutMs?: number; stepMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, opts.stepMs ?? 20));
  }
}

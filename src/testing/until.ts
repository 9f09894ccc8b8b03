// Waiting in tests, always with a bound and a message: polling for a condition a test cannot
// await directly (a file appearing, a process ending), and awaiting an event or a stream's end
// that a bug could leave pending forever. Either fails with what it waited for.
import assert from 'node:assert/strict';

export async function until(what: string, check: () => boolean | Promise<boolean>, opts: { timeoutMs?: number; stepMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, opts.stepMs ?? 20));
  }
}

/** `p` (an event, a process's close, a stream's end), failing after timeoutMs with `what`. */
export async function within<T>(what: string, p: Promise<T>, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message: `timed out after ${timeoutMs} ms waiting for ${what}` })), timeoutMs);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

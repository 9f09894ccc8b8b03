// The world of a rootless test file (issue 15) in one call: before its tests, an ordinary user this
// test makes, its rootless berthd and busybox imported as it; after them, all of it removed and
// nothing of the user left (processes, mounts, passwd and subordinate-id lines).
//   let u: RootlessUser; let d: RootlessBerthd;
//   useRootlessUser({ skip, args: ['--bridge', 'none'], ready: (user, daemon) => ((u = user), (d = daemon)) });
// `prepare` runs as root between the user's creation and its berthd's start (a daemon.json).
// A file that makes its user inside another fixture's set-up (for hook order) uses
// startRootlessUser and removeRootlessUser themselves.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { RootlessBerthd } from './rootless-berthd.ts';
import { RootlessUser } from './rootless-user.ts';

export interface RootlessWorld {
  /** berthd's arguments (the harness's default: --bridge none). */
  args?: string[];
  /** berthd's extra environment. */
  env?: Record<string, string>;
  prepare?: (u: RootlessUser) => Promise<void> | void;
}

export function useRootlessUser(opts: RootlessWorld & { skip: string | false; ready: (u: RootlessUser, d: RootlessBerthd) => void }): void {
  let made: RootlessUser | undefined;
  before(async () => {
    if (opts.skip) return;
    const { u, d } = await startRootlessUser(opts, (u) => (made = u));
    opts.ready(u, d);
  });
  after(async () => {
    if (!opts.skip && made) await removeRootlessUser(made);
  });
}

/** The user, its berthd and busybox; `made` hears of the user as soon as it exists (for removal). */
export async function startRootlessUser(opts: RootlessWorld = {}, made: (u: RootlessUser) => void = () => {}): Promise<{ u: RootlessUser; d: RootlessBerthd }> {
  const u = await RootlessUser.create();
  made(u);
  await opts.prepare?.(u);
  const d = await u.startBerthd(opts.args, opts.env);
  await u.importBusybox();
  return { u, d };
}

export async function removeRootlessUser(u: RootlessUser): Promise<void> {
  await u.remove();
  assert.deepEqual(u.leftovers(), [], 'nothing of the test user is left');
}

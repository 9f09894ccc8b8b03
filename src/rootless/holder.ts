// The namespace holder: a rootlesskit process, detached from berthd, whose child (`sleep
// infinity`) keeps a user, mount and network namespace alive. berthd joins them (launch.ts) and
// may die and come back: conmon and the containers live in the same namespaces, so a restarted
// berthd adopts them (live-restore), as a root berthd does.
//
// Interface: ensureHolder(paths) → { stateDir, childPid, pid } — a live holder found in
// `paths.holderStateDir` is reused; a stale one (its child gone: a reboot cleared nothing under a
// persistent XDG_RUNTIME_DIR, or it was killed) has its state dir removed and a new one starts.
// Invariants:
//  - a holder is live when its state dir's child_pid names a live process of ours in another
//    user namespace than ours: a recycled pid of someone else, or of ours outside any namespace,
//    is not taken for it;
//  - the holder is started through `setsid -f`: it is nobody's child (berthd would otherwise
//    hold it as a zombie when it ends) and in a session of its own (a terminal's ^C or a
//    service's stop of berthd's process group does not reach it);
//  - the wait for it is bounded; on failure its log's tail says why.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isLiveProcess } from '../lib/proc.ts';
import { BERTH_ROOTLESS_ENV } from './env.ts';
import { holderArgs, holderNet } from './holder-args.ts';
import type { RootlessPaths } from './paths.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface Holder {
  stateDir: string;
  /** rootlesskit's child: the process whose namespaces berthd joins. */
  childPid: number;
  /** The rootlesskit parent (on the host's side: slirp4netns, the port driver). */
  pid: number;
}

const START_TIMEOUT_MS = 20_000;

export async function ensureHolder(paths: RootlessPaths, env: Env = process.env): Promise<Holder> {
  const live = liveHolder(paths.holderStateDir);
  if (live) return live;
  // Stale: nothing of it runs (the child is gone, and rootlesskit ends with its child).
  rmSync(paths.holderStateDir, { recursive: true, force: true });
  const logStart = sizeOf(paths.holderLog);
  await startHolder(paths, env);
  return waitForHolder(paths, env, logStart);
}

/** The holder whose state is in stateDir, if it runs. */
export function liveHolder(stateDir: string): Holder | undefined {
  let childPid: number;
  try {
    childPid = Number(readFileSync(join(stateDir, 'child_pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!(childPid > 0) || !isLiveProcess(childPid)) return undefined;
  try {
    if (statSync(`/proc/${childPid}`).uid !== process.getuid!()) return undefined;
    if (readlinkSync(`/proc/${childPid}/ns/user`) === readlinkSync('/proc/self/ns/user')) return undefined;
    return { stateDir, childPid, pid: parentOf(childPid) };
  } catch {
    return undefined; // it ended meanwhile
  }
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function startHolder(paths: RootlessPaths, env: Env): Promise<void> {
  mkdirSync(paths.execRoot, { recursive: true, mode: 0o700 });
  const log = openSync(paths.holderLog, 'a', 0o600);
  try {
    // The holder is no berthd: it must not carry the marker of one (env.ts).
    const clean = { ...env };
    delete clean[BERTH_ROOTLESS_ENV];
    const child = spawn('setsid', ['-f', 'rootlesskit', ...holderArgs(paths.holderStateDir, env)], {
      stdio: ['ignore', log, log],
      env: clean,
      cwd: '/',
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`setsid -f rootlesskit exited with ${code}${logTail(paths.holderLog)}`);
  } finally {
    closeSync(log);
  }
}

/** Ready when the child's pid is written and, with a port driver, its API socket listens. */
async function waitForHolder(paths: RootlessPaths, env: Env, logStart: number): Promise<Holder> {
  const wantsApi = holderNet(env).portDriver !== 'none';
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const h = liveHolder(paths.holderStateDir);
    if (h && (!wantsApi || existsSync(join(paths.holderStateDir, 'api.sock')))) return h;
    // rootlesskit says "[rootlesskit:parent] error: ..." and ends (no subuid range, no newuidmap).
    const failed = /^\[rootlesskit:\w+\] error: .*/m.exec(readFrom(paths.holderLog, logStart));
    if (failed && !h) throw new Error(`rootlesskit failed: ${failed[0]}${logTail(paths.holderLog)}`);
    if (Date.now() > deadline) {
      throw new Error(`rootlesskit did not come up within ${START_TIMEOUT_MS / 1000} s (state dir ${paths.holderStateDir})${logTail(paths.holderLog)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/** The last lines of the holder's log, for an error message. */
export function logTail(file: string, lines = 15): string {
  try {
    const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return tail ? `; its log (${file}) ends:\n${tail}` : '';
  } catch {
    return '';
  }
}

// Three runc commands done by berthd itself, because each sits on the path of every `docker run`
// (or stop, or rm -f) and each is a Go binary's start-up (7–10 ms here, plus a fork of berthd,
// which blocks berthd's event loop for its whole duration: every other request waits) around a
// few file operations:
//
// - `runc start` of a created container opens <state dir>/exec.fifo for reading, reads the one
//   byte `runc init` writes there just before it execs the container's process, and removes the
//   FIFO (runc 1.1 libcontainer, linuxContainer.exec and handleFifoResult). Without the FIFO,
//   `runc state` says "running".
// - `runc delete` of a stopped container removes the cgroups listed in state.json
//   (`cgroup_paths`) and the state directory (linuxContainer.Destroy). We run no hooks.
// - `runc kill <id> <signal>` (without --all) signals the container's init, known by its pid and
//   start time in state.json, when that process still runs with that start time (runc's guard
//   against a reused pid; a zombie counts as stopped) (linuxContainer.Signal). A frozen
//   container is left to runc, which thaws it for SIGKILL.
//
// Only runc's own layout is trusted: a state.json with cgroup_paths next to the FIFO. Anything
// else (another runtime, the systemd cgroup driver, a cgroup with processes still in it) returns
// false and the caller runs the runtime binary, so correctness never rests on these shortcuts.
import { closeSync, constants, open as openFd, openSync, read as readFd, readFileSync, statSync, unlinkSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../../api/types/errors.ts';
import { isLiveProcess } from '../../lib/proc.ts';

interface RuncState {
  init_process_pid?: number;
  /** The init's start time, in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  init_process_start?: number;
  cgroup_paths?: Record<string, string>;
}

function readState(stateDir: string): RuncState | undefined {
  try {
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as RuncState;
    return state && typeof state === 'object' ? state : undefined;
  } catch {
    return undefined;
  }
}

/** false: not runc's layout here, run `runc start`. Rejects when the container's init is gone.
 * initPid: the container's pid when the caller knows it (conmon tells), else state.json's. */
export async function startThroughFifo(stateDir: string, initPid?: number): Promise<boolean> {
  const fifo = join(stateDir, 'exec.fifo');
  // runc's init writes its byte into the FIFO; crun's reads one from it: state.json says runc.
  if (!statSync(fifo, { throwIfNoEntry: false })?.isFIFO() || !statSync(join(stateDir, 'state.json'), { throwIfNoEntry: false })) return false;
  const pid = initPid ?? readState(stateDir)?.init_process_pid;
  if (!pid || pid <= 0) return false;
  // The open blocks until runc init opens the other end, which it is waiting to do — unless it
  // died. So, as runc does, look at the init every 100 ms; once it is gone, open the write end
  // ourselves: our open returns and the read sees end-of-file instead of runc's byte.
  const guard = setInterval(() => {
    if (isLiveProcess(pid)) return; // a zombie is as good as gone: it will never open the FIFO
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader yet (ENXIO): the next tick tries again
    }
  }, 100);
  try {
    // The open and the read can wait (for runc init to open its end, and to write; a frozen
    // init would never write): in the thread pool. The close cannot: done here.
    const fd = await new Promise<number>((resolve, reject) => openFd(fifo, 'r', (err, n) => (err ? reject(err) : resolve(n))));
    try {
      const n = await new Promise<number>((resolve, reject) => readFd(fd, Buffer.alloc(1), 0, 1, null, (err, bytes) => (err ? reject(err) : resolve(bytes))));
      if (n !== 1) throw new BerthError('system', 'cannot start the container: its process is already dead');
    } finally {
      closeSync(fd);
    }
  } finally {
    clearInterval(guard);
  }
  unlinkSync(fifo);
  return true;
}

/** false: not runc's layout, or the cgroups still hold processes; run `runc delete --force`.
 * The state file is read synchronously (a few bytes); the rmdirs and the state directory's
 * removal go to the thread pool, at once: this runs on every exit, and a synchronous rmdir or
 * unlink, microseconds on an idle host, blocks the event loop (every other request) for
 * milliseconds when the disk is busy. */
export async function deleteStopped(stateDir: string): Promise<boolean> {
  const state = readState(stateDir);
  if (!state?.cgroup_paths || typeof state.cgroup_paths !== 'object') return false;
  const paths = Object.values(state.cgroup_paths);
  if (paths.some((p) => typeof p !== 'string' || !p.startsWith('/sys/fs/cgroup/'))) return false;
  // ENOENT: gone already, or the same directory under a co-mounted controller (cpu,cpuacct).
  // EBUSY: a process is still there; the caller runs runc, which sees to the rest.
  const removed = await Promise.all(paths.map((p) => rmdir(p).then(() => true, (err: NodeJS.ErrnoException) => err.code === 'ENOENT')));
  if (removed.includes(false)) return false;
  await rm(stateDir, { recursive: true, force: true });
  return true;
}

/** false: not runc's layout, the init not running (stopped, a zombie, another process on its
 * pid), or the container frozen; run `runc kill`. Synchronous: a few small reads. */
export function signalInit(stateDir: string, signal: number): boolean {
  const state = readState(stateDir);
  const pid = state?.init_process_pid;
  if (!pid || pid <= 0 || typeof state.init_process_start !== 'number' || !state.cgroup_paths) return false;
  if (startTimeOf(pid) !== state.init_process_start || thawed(state.cgroup_paths) !== true) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The start time of a process that is not a zombie (undefined otherwise). */
function startTimeOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** Whether the container's freezer says thawed (cgroup v1's freezer, or v2's cgroup.freeze). */
function thawed(paths: Record<string, string>): boolean | undefined {
  try {
    if (paths.freezer) return readFileSync(join(paths.freezer, 'freezer.state'), 'utf8').trim() === 'THAWED';
    if (Object.keys(paths).length === 1 && paths['']) return readFileSync(join(paths[''], 'cgroup.freeze'), 'utf8').trim() === '0';
  } catch {
    // no such file: not a layout we know
  }
  return undefined;
}

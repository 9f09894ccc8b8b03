// Runs iproute2's `ip -batch`: the one way berth changes links, addresses and routes.
// Written by hand rather than on a netlink library: Node has none worth taking (the npm ones are
// unmaintained or cover a fraction of rtnetlink, and none enters a network namespace), and one
// `ip -batch` runs a whole set-up — a bridge, or an endpoint with its namespace — in one ip
// process, which berthd keeps running (ip-session.ts): a spawn is what a `docker run --rm` pays
// most for.
//
// One ip process talks to one namespace (its rtnetlink socket is opened at start), so the part
// of a set-up that must run inside a container's namespace goes to `netns exec NAME ip -batch
// FILE`: ip forks and runs that itself. The inner commands go
// through a private temporary file because Node's extra stdio channels are sockets, which ip
// cannot open by path.
import { execHost } from '../lib/host-exec.ts';
import { randomBytes } from '../lib/lazy-crypto.ts';
import { readdirSync, unlinkSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError, systemError } from '../api/types/errors.ts';
import { orIfMissing } from '../lib/log-failure.ts';
import { isLiveProcess } from '../lib/proc.ts';
import { which } from '../lib/which.ts';
import { IpSession } from './ip-session.ts';

const IP = which('ip');

export interface IpBatchFailure {
  /** The command that failed (as written in the batch), or undefined when ip failed before any. */
  command?: string;
  /** Index of the failing command in the outer batch (-1: not known). */
  index: number;
  stderr: string;
}

/** A system error (500 at the API) that names the ip command that failed and what ip said. */
export class IpBatchError extends BerthError {
  readonly failure: IpBatchFailure;
  constructor(what: string, failure: IpBatchFailure) {
    const reason = failure.stderr.split('\n').filter((l) => l && !l.startsWith('Command failed')).join('; ');
    super('system', `${what}: ip ${failure.command ?? '-batch'} failed: ${reason || 'no message'}`);
    this.name = 'IpBatchError';
    this.failure = failure;
  }
}

export interface InnerBatch {
  netns: string;
  commands: string[];
  /** Where among the outer commands it runs (default: after them). */
  at?: number;
}

const session = new IpSession(IP);

/** The inner batches' files: `berth-ip-<pid>-<random>` in the temporary directory. */
const FILE_PREFIX = 'berth-ip-';
const FILE_NAME = new RegExp(`^${FILE_PREFIX}(\\d+)-[0-9a-f]+$`);

/** A daemon killed between writing an inner batch's file and removing it leaves the file: the
 * next one removes those whose process is gone (test-faults' SIGKILLs left dozens); files of a
 * live process — another daemon's — stay. Its failure is the caller's to log. Synchronous: at
 * start it was berthd's only asynchronous file operation, and the first one starts libuv's
 * four worker threads (~4 ms, and their stacks in an idle daemon's memory, issue 12). */
export function sweepStaleFiles(dir = tmpdir()): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(FILE_NAME.exec(name)?.[1]);
    if (!pid || isLiveProcess(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch (err) {
      orIfMissing(undefined)(err);
    }
  }
}

/** Runs `commands` in order on the daemon's one ip process, which goes on after a failed one
 * (see ip-session.ts); `inner` runs inside a namespace, stopping at its first failure. Throws
 * IpBatchError naming the first command that failed. */
export async function ipBatch(what: string, commands: string[], inner?: InnerBatch): Promise<void> {
  const lines = [...commands];
  let file: string | undefined;
  if (inner) {
    file = join(tmpdir(), `${FILE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    await writeFile(file, inner.commands.join('\n') + '\n', { mode: 0o600, flag: 'wx' });
    lines.splice(inner.at ?? lines.length, 0, `netns exec ${inner.netns} ${IP} -batch ${file}`);
  }
  try {
    const r = await session.run(lines).catch((err: Error & { stderr?: string }) => {
      throw new IpBatchError(what, locate(`${err.stderr ?? ''}${err.message}\n`, lines, inner, file));
    });
    if (r.failed.length === 0) return;
    throw new IpBatchError(what, locate(r.stderr, lines, inner, file, r.failed[0]));
  } finally {
    if (file) await unlink(file);
  }
}

/** Which command failed: ip names it as `Command failed <file>:<line>`. */
function locate(stderr: string, lines: string[], inner: InnerBatch | undefined, file: string | undefined, failed?: number): IpBatchFailure {
  const index = failed ?? argumentLine(stderr, lines);
  const innerAt = file ? new RegExp(`Command failed ${file}:(\\d+)`).exec(stderr) : null;
  if (innerAt && inner && index === (inner.at ?? lines.length - 1)) return { command: `-n ${inner.netns} ${inner.commands[Number(innerAt[1]) - 1]}`, index, stderr: firstError(stderr) };
  return { command: index >= 0 ? lines[index] : undefined, index, stderr: firstError(stderr) };
}

/** What ip said up to its first `Command failed` (with -force, later commands fail after it). */
function firstError(stderr: string): string {
  const at = stderr.indexOf('Command failed');
  return at < 0 ? stderr : stderr.slice(0, at);
}

/** ip exits at once on a bad argument (`Error: argument "x" is wrong: ...`, an unknown device
 * among them) without naming the line: the first line with that argument is the one. */
function argumentLine(stderr: string, lines: string[]): number {
  const arg = /argument "([^"]+)"|[Dd]evice "([^"]+)"/.exec(stderr);
  const word = arg?.[1] ?? arg?.[2];
  return word ? lines.findIndex((l) => l.split(/\s+/).includes(word)) : -1;
}

/** One ip command (a look-up or a single change): its exit code, stdout and stderr. Through
 * the host helper (lib/host-exec.ts): a fork of berthd would block its event loop. */
export async function runIp(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execHost(IP, args, { input }).catch((err: Error) => {
    throw systemError(`cannot run ${IP}: ${err.message}`, err);
  });
  return { code: r.code ?? 1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

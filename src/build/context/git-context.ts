// A git repository as the build context (`remote=` a git URL): fetched at depth 1 into the
// context's directory with the git command, `#ref:subdir` choosing the commit-ish and the
// directory that is the context. git runs with no prompt (no terminal to answer it), only
// network protocols (a submodule may not reach the daemon's own files with file:// or ext::),
// and a time bound; what it says on failure is the error's text.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { invalidParameter, systemError } from '../../api/types/errors.ts';
import type { FsView } from '../../image/copy/fs-view.ts';
import { clean } from '../../image/copy/go-path.ts';

export const GIT_TIMEOUT_MS = 300_000;

/** Docker's urlutil.IsGitURL: git://, git@, github.com/, or http(s) ending in ".git" (#fragment after). */
export function isGitUrl(url: string): boolean {
  if (/^https?:\/\/.*\.git(?:#.+)?$/i.test(url)) return true;
  return ['git://', 'github.com/', 'git@'].some((p) => url.startsWith(p));
}

export interface GitSource {
  url: string;
  ref: string;
  /** The context's root in the checkout ("/" for the whole repository). */
  subdir: string;
}

export function parseGitUrl(url: string): GitSource {
  const hash = url.indexOf('#');
  const remote = hash < 0 ? url : url.slice(0, hash);
  const [ref = '', subdir = ''] = hash < 0 ? [] : splitOnce(url.slice(hash + 1), ':');
  if (ref.startsWith('-')) throw invalidParameter(`invalid git ref: ${ref}`);
  return { url: remote.startsWith('github.com/') ? `https://${remote}` : remote, ref, subdir: clean(`/${subdir}`) };
}

/** Fetches the commit into the view's (empty) directory and returns the subdirectory. */
export async function fetchGit(view: FsView, src: GitSource, signal: AbortSignal, timeoutMs = GIT_TIMEOUT_MS): Promise<string> {
  const dir = view.hostOf('/');
  const git = (args: string[]) => runGit(['-C', dir, ...args], signal, timeoutMs);
  await git(['init', '-q']);
  await git(['remote', 'add', 'origin', '--', src.url]);
  const ref = src.ref === '' ? 'HEAD' : src.ref;
  // Shallow first; a server that cannot (git's dumb http) or a commit id it will not hand out
  // by name gets the whole history instead.
  const fetched = await git(['fetch', '-q', '--depth', '1', 'origin', '--', ref]).then(() => 'FETCH_HEAD', async (shallowErr: unknown) => {
    const whole = await git(['fetch', '-q', 'origin', '--', ref]).then(() => 'FETCH_HEAD', () => undefined);
    if (whole) return whole;
    if (!/^[0-9a-f]{7,64}$/i.test(ref)) throw shallowErr;
    await git(['fetch', '-q', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
    return ref;
  });
  await git(['-c', 'advice.detachedHead=false', 'checkout', '-q', fetched, '--']);
  await git(['submodule', 'update', '-q', '--init', '--recursive', '--depth', '1']);
  // The repository's own metadata is not part of the context (BuildKit leaves it out too).
  await rm(`${dir}/.git`, { recursive: true, force: true });
  return src.subdir;
}

function runGit(args: string[], signal: AbortSignal, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false', GIT_ALLOW_PROTOCOL: 'http:https:git:ssh', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' };
    const child = spawn('git', args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
    // (what git said is the message: it names the URL and the reason, as dockerd shows it)
    const kill = (why: string) => {
      stderr += `\n${why}`;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`git took longer than ${timeoutMs / 1000}s`), timeoutMs);
    const onAbort = () => kill('the build was cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      reject(err.code === 'ENOENT' ? systemError('a git build context needs git, which is not installed on the daemon\'s host') : err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(signal.reason);
      else if (code === 0) resolve();
      else reject(invalidParameter(`error fetching: ${stderr}: exit status ${code}`)); // dockerd's text
    });
  });
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

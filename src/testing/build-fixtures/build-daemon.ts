// The fixture of the end-to-end build tests (src/api/build-*.test.ts): a berthd with the busybox
// image (busybox-daemon.ts) and the clients as users run them — the real docker CLI with the
// classic builder (DOCKER_BUILDKIT=0: the CLI here has no buildx), plain Engine API calls.
// BERTH_BUILD_E2E_HOST=unix:///path/docker.sock points the same tests at another daemon (a
// private dockerd 20.10 with busybox imported) to check them side by side; `dockerd` is then
// true, and the few assertions on what berthd does beyond dockerd's classic builder (a line
// number in every error, removed containers after a failure, .dockerignore applied daemon side,
// unneeded stages skipped, a build cache in /system/df) are left out. Give each test file a
// fresh dockerd: the files count on a daemon of their own, as they get one in berthd.
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, after } from 'node:test';
import { useBusyboxDaemon } from '../busybox-daemon.ts';
import { run, type RunResult } from '../run.ts';

export interface ApiAnswer {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

export interface BuildDaemon {
  /** DOCKER_HOST of the daemon under test. */
  host(): string;
  /** True when the tests run against another daemon (BERTH_BUILD_E2E_HOST), not berthd. */
  readonly dockerd: boolean;
  /** A scratch directory of the test file. */
  dir(): string;
  env(): NodeJS.ProcessEnv;
  /** The docker CLI against the daemon, the classic builder forced. */
  docker(args: string[], opts?: { input?: string | Buffer; cwd?: string }): Promise<RunResult>;
  /** A directory under dir() holding `files` (paths relative to it; parents made). */
  context(name: string, files: Record<string, string>): string;
  /** An Engine API call (a body is sent as a tar); the answer parsed as JSON when it is JSON,
   * its raw text too (a build's stream of JSON messages). */
  api(method: string, path: string, body?: Buffer): Promise<ApiAnswer>;
}

const EXTERNAL = process.env.BERTH_BUILD_E2E_HOST;

export function useBuildDaemon(opts: { skip: string | false }): BuildDaemon {
  const busybox = EXTERNAL ? undefined : useBusyboxDaemon({ skip: opts.skip });
  let scratch = '';
  if (EXTERNAL) {
    before(() => void (scratch = mkdtempSync(join(tmpdir(), 'berth-build-e2e-'))));
    after(() => rmSync(scratch, { recursive: true, force: true }));
  }
  const host = () => EXTERNAL ?? busybox!.d.host;
  const dir = () => (EXTERNAL ? scratch : busybox!.dir);
  const env = (): NodeJS.ProcessEnv => ({ DOCKER_HOST: host(), DOCKER_CONFIG: join(dir(), 'config'), DOCKER_BUILDKIT: '0' });
  return {
    host,
    dockerd: EXTERNAL !== undefined,
    dir,
    env,
    docker: (args, o = {}) => runWithInput('docker', args, { env: env(), input: o.input, cwd: o.cwd }),
    context(name, files) {
      const root = join(dir(), name);
      mkdirSync(root, { recursive: true });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      return root;
    },
    api: (method, path, body) => apiCall(host(), method, path, body),
  };
}

/** run() with a binary input too (a tar on stdin). */
async function runWithInput(cmd: string, args: string[], o: { env: NodeJS.ProcessEnv; input: string | Buffer | undefined; cwd: string | undefined }): Promise<RunResult> {
  if (!Buffer.isBuffer(o.input)) return run(cmd, args, { env: o.env, timeoutMs: 120_000, ...(o.input !== undefined && { input: o.input }), ...(o.cwd && { cwd: o.cwd }) });
  // run() writes strings only: a binary tar goes through a file and sh's redirection.
  const file = join(o.env.DOCKER_CONFIG!, '..', `stdin-${process.hrtime.bigint()}`);
  writeFileSync(file, o.input);
  try {
    return await run('sh', ['-c', `exec "$0" "$@" < "${file}"`, cmd, ...args], { env: o.env, timeoutMs: 120_000, ...(o.cwd && { cwd: o.cwd }) });
  } finally {
    rmSync(file, { force: true });
  }
}

function apiCall(host: string, method: string, path: string, body?: Buffer): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { Host: 'docker', ...(body && { 'Content-Type': 'application/x-tar' }) };
    const req = request({ socketPath: host.replace(/^unix:\/\//, ''), method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('error', reject);
      res.on('end', () => {
        const contentType = res.headers['content-type'] ?? '';
        // A build's stream is several JSON documents: `body` only when the whole text is one.
        let parsed: unknown = text;
        try {
          if (contentType.includes('json')) parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode ?? 0, contentType, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// runBuild as the docker CLI runs a classic build: the context prepared (build-context.ts) and
// streamed up behind the "Sending build context" progress, the daemon's JSON stream shown as it
// comes, an in-band error printed on stderr with the exit status the daemon gave it (a failing
// RUN's own code, else 1). With -q everything is held back: the image id alone goes to stdout
// on success, the held output to stderr on failure. --iidfile gets the id (removed first, so a
// failed build leaves no stale one).
import { rm, writeFile } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { CliEnv } from '../cli-env.ts';
import type { BuildQuery } from '../../client/build-api.ts';
import type { AuthConfig, JsonMessage } from '../../client/types.ts';
import type { Ulimit } from '../container-opts/go-values.ts';
import { displayJsonMessages, JsonMessageError } from '../progress/jsonmessage.ts';
import { ExitCode } from '../exit-code.ts';
import { loadCredentials } from '../config/credentials.ts';
import { prepareContext } from './build-context.ts';
import { UploadProgress } from './build-upload.ts';

export interface BuildFlags {
  addHost?: string[]; buildArg?: string[]; cacheFrom?: string[]; cgroupParent?: string; compress?: boolean;
  cpuPeriod?: number; cpuQuota?: number; cpuShares?: number; cpusetCpus?: string; cpusetMems?: string;
  file?: string; forceRm?: boolean; iidfile?: string; isolation?: string; label?: string[]; memory?: number;
  memorySwap?: number; network?: string; noCache?: boolean; platform?: string; progress?: string; pull?: boolean;
  quiet?: boolean; rm?: boolean; securityOpt?: string[]; shmSize?: number; squash?: boolean; tag?: string[];
  target?: string; ulimit?: Ulimit[];
}

/** Text collected instead of written (the -q mode's buffers). */
class Held {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

export async function runBuild(env: CliEnv, spec: string, flags: BuildFlags): Promise<void> {
  const tty = env.out.isTTY === true;
  const progOut = flags.quiet ? new Held() : env.out;
  const buildOut = flags.quiet ? new Held() : env.out;
  if (flags.iidfile) {
    await rm(flags.iidfile).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw new Error(`Removing image ID file: ${err.message}`);
    });
  }
  const ctx = await prepareContext(spec, flags.file, { stdin: process.stdin, cwd: process.cwd() });
  const body = ctx.body && upload(ctx.body, flags.compress === true, new UploadProgress(progOut, { tty }));
  const query: BuildQuery = { ...buildQuery(env, flags), ...(ctx.dockerfile && { dockerfile: ctx.dockerfile }), ...(ctx.remote && { remote: ctx.remote }) };
  let imageId = '';
  const onAux = (m: JsonMessage) => {
    const id = (m.aux as { ID?: unknown } | null)?.ID;
    if (typeof id === 'string') imageId = id;
  };
  try {
    const messages = env.client().build.build(body, query, { authConfigs: allCredentials(env) });
    await displayJsonMessages(messages, buildOut, { onAux, isTerminal: tty });
  } catch (err) {
    if (flags.quiet) env.err.write((progOut as Held).text + (err instanceof JsonMessageError ? (buildOut as Held).text : ''));
    if (!(err instanceof JsonMessageError)) throw err;
    if (err.message) env.err.write(`${err.message}\n`);
    throw new ExitCode(err.code || 1);
  }
  if (flags.quiet) {
    imageId = (buildOut as Held).text;
    env.out.write(imageId);
  }
  if (flags.iidfile) {
    if (!imageId) throw new Error(`Server did not provide an image ID. Cannot write ${flags.iidfile}`);
    await writeFile(flags.iidfile, imageId, { mode: 0o666 });
  }
}

/** The tar on its way up: gzipped with --compress, counted by the progress line. */
function upload(tar: Readable, compress: boolean, progress: UploadProgress): Readable {
  const done = (err: Error | null) => void err; // a failure reaches the request through the last stream
  return compress ? pipeline(tar, createGzip(), progress, done) : pipeline(tar, progress, done);
}

function buildQuery(env: CliEnv, f: BuildFlags): BuildQuery {
  return {
    tags: f.tag ?? [],
    buildArgs: withProxyArgs(env, buildArgs(f.buildArg ?? [])),
    labels: Object.fromEntries((f.label ?? []).map((l) => splitKv(l))),
    target: f.target,
    noCache: f.noCache === true,
    pull: f.pull === true,
    rm: f.rm !== false,
    forceRm: f.forceRm === true,
    quiet: f.quiet === true,
    cacheFrom: f.cacheFrom ?? [],
    networkMode: f.network ?? 'default',
    platform: f.platform ?? (env.env.DOCKER_DEFAULT_PLATFORM || undefined),
    extraHosts: f.addHost ?? [],
    shmSize: f.shmSize, memory: f.memory, memorySwap: f.memorySwap,
    cpuShares: f.cpuShares, cpuSetCpus: f.cpusetCpus, cpuSetMems: f.cpusetMems, cpuPeriod: f.cpuPeriod, cpuQuota: f.cpuQuota,
    cgroupParent: f.cgroupParent, ulimits: f.ulimit ?? [], securityOpt: f.securityOpt ?? [], squash: f.squash === true,
    isolation: f.isolation,
  };
}

/** ConvertKVStringsToMapWithNil: `K=V` → V; a bare `K` (not set in the environment) → null. */
export function buildArgs(values: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq === -1) out[v] = null;
    else out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function splitKv(v: string): [string, string] {
  const eq = v.indexOf('=');
  return eq === -1 ? [v, ''] : [v.slice(0, eq), v.slice(eq + 1)];
}

/** ParseProxyConfig: config.json's proxies (for this daemon, else `default`) as build args not given. */
function withProxyArgs(env: CliEnv, args: Record<string, string | null>): Record<string, string | null> {
  const all = env.configFile.proxies as Record<string, Record<string, string>> | undefined;
  const proxies = all?.[env.endpoint.host] ?? all?.default ?? {};
  const names: [string, string][] = [['HTTP_PROXY', 'httpProxy'], ['HTTPS_PROXY', 'httpsProxy'], ['NO_PROXY', 'noProxy'], ['FTP_PROXY', 'ftpProxy'], ['ALL_PROXY', 'allProxy']];
  for (const [name, key] of names) {
    const value = proxies[key];
    if (!value) continue;
    for (const n of [name, name.toLowerCase()]) if (!(n in args)) args[n] = value;
  }
  return args;
}

/** GetAllCredentials: every registry in config.json with what is stored for it. */
function allCredentials(env: CliEnv): Record<string, AuthConfig> {
  const out: Record<string, AuthConfig> = {};
  for (const key of Object.keys(env.configFile.auths ?? {})) {
    const c = loadCredentials(env.configDir, key);
    if (!c) continue;
    out[key] = {
      username: c.username, ...(c.password && { password: c.password }), serveraddress: key,
      ...(c.identitytoken && { identitytoken: c.identitytoken }),
    };
  }
  return out;
}

// Which daemon a command talks to, resolved in the docker CLI's order:
//   --context  >  -H  >  DOCKER_HOST  >  DOCKER_CONTEXT  >  config.json currentContext  >  default
// The `default` context is never stored: it is built from -H / DOCKER_HOST and the TLS flags.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HOST, parseHost, type Endpoint, type TlsFiles } from '../client/endpoint.ts';
import { ContextStore } from './context/store.ts';
import type { CliEnv } from './cli-env.ts';

export interface ResolvedEndpoint extends Endpoint {
  contextName: string;
}

export function currentContextName(env: CliEnv): string {
  const { opts, env: e } = env;
  if (opts.context) return opts.context;
  if (opts.host?.length || e.DOCKER_HOST) return 'default';
  if (e.DOCKER_CONTEXT) return e.DOCKER_CONTEXT;
  return env.configFile.currentContext || 'default';
}

export function resolveEndpoint(env: CliEnv): ResolvedEndpoint {
  const { opts } = env;
  if (opts.host?.length && opts.context) throw new Error('conflicting options: cannot specify both --host and --context');
  if ((opts.host?.length ?? 0) > 1) throw new Error('specify only one -H');
  const name = currentContextName(env);
  if (name === 'default') return { contextName: 'default', ...defaultEndpoint(env) };
  const store = new ContextStore(env.configDir);
  const meta = store.get(name);
  const docker = meta.Endpoints.docker;
  // docker falls back to the default socket when a context stores no host.
  if (!docker?.Host) return { contextName: name, host: DEFAULT_HOST };
  const tls = store.tls(name);
  // As in docker, a tcp endpoint uses TLS when the context stores TLS material or skips verify.
  const useTls = docker.Host.startsWith('tcp://') && Boolean(tls.ca || tls.cert || docker.SkipTLSVerify);
  return {
    contextName: name,
    host: docker.Host,
    ...(useTls && { tls: { ...tls, verify: !docker.SkipTLSVerify } }),
  };
}

/** The endpoint of the `default` context: -H or DOCKER_HOST, with TLS from flags and env. */
export function defaultEndpoint(env: CliEnv): Endpoint {
  const { opts, env: e } = env;
  const verify = opts.tlsverify === true || (e.DOCKER_TLS_VERIFY ?? '') !== '';
  const tlsOn = verify || opts.tls === true || (e.DOCKER_TLS ?? '') !== '';
  const host = parseHost(opts.host?.[0] ?? e.DOCKER_HOST ?? (tlsOn ? '' : DEFAULT_HOST), tlsOn);
  if (!tlsOn || !host.startsWith('tcp://')) return { host };
  return { host, tls: tlsFiles(env, verify) };
}

function tlsFiles(env: CliEnv, verify: boolean): TlsFiles {
  const certPath = env.env.DOCKER_CERT_PATH || env.configDir;
  const pick = (flag: string | undefined, file: string, required: boolean): Buffer | undefined => {
    const path = flag || join(certPath, file);
    if (!flag && !required && !existsSync(path)) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`could not read ${path}: ${(err as Error).message}`);
    }
  };
  const files: TlsFiles = { verify };
  const ca = pick(env.opts.tlscacert, 'ca.pem', verify);
  const cert = pick(env.opts.tlscert, 'cert.pem', false);
  const key = pick(env.opts.tlskey, 'key.pem', false);
  if (ca) files.ca = ca;
  if (cert && key) {
    files.cert = cert;
    files.key = key;
  }
  return files;
}

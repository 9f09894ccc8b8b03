// Everything a command needs from its surroundings: global flags, the environment, config.json,
// the resolved daemon endpoint and a (lazily negotiated) API client.
import { createClient, type BerthClient } from '../client/index.ts';
import type { Endpoint } from '../client/endpoint.ts';
import { configDir, loadConfigFile, type DockerConfigFile } from './config/docker-config.ts';
import { resolveEndpoint, type ResolvedEndpoint } from './endpoint-resolver.ts';
import { stdoutText, type TextOut } from './stdout-text.ts';

export interface GlobalOptions {
  config?: string;
  context?: string;
  debug?: boolean;
  host?: string[];
  logLevel?: string;
  tls?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  tlsverify?: boolean;
}

export class CliEnv {
  readonly opts: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  #config: DockerConfigFile | undefined;
  #endpoint: ResolvedEndpoint | undefined;
  #client: BerthClient | undefined;

  constructor(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
    this.opts = opts;
    this.env = env;
  }

  // Read when written to: node makes each stdio stream at its first use, and most runs never
  // write to stderr.
  get out(): NodeJS.WriteStream {
    return process.stdout;
  }

  /** For a command whose output is text written whole (a table, a block): stdout without its stream (stdout-text.ts). */
  get text(): TextOut {
    return stdoutText;
  }

  get err(): NodeJS.WriteStream {
    return process.stderr;
  }

  get configDir(): string {
    return configDir(this.opts.config);
  }

  get configFile(): DockerConfigFile {
    this.#config ??= loadConfigFile(this.configDir);
    return this.#config;
  }

  get debug(): boolean {
    const d = this.env.DOCKER_DEBUG;
    return this.opts.debug === true || (d !== undefined && d !== '' && d !== '0' && d !== 'false');
  }

  get endpoint(): ResolvedEndpoint {
    this.#endpoint ??= resolveEndpoint(this);
    return this.#endpoint;
  }

  client(endpoint: Endpoint = this.endpoint): BerthClient {
    if (this.#client && endpoint === this.endpoint) return this.#client;
    const apiVersion = this.env.DOCKER_API_VERSION?.replace(/^v/, '');
    if (apiVersion !== undefined && apiVersion !== '' && !/^\d+\.\d+$/.test(apiVersion)) {
      throw new Error(`invalid API version (${this.env.DOCKER_API_VERSION}): must be MAJOR.MINOR`);
    }
    const client = createClient({
      endpoint,
      ...(apiVersion && { version: apiVersion }),
      headers: { ...this.configFile.HttpHeaders, ...customHeaders(this.env.DOCKER_CUSTOM_HEADERS) },
      ...(this.debug && { debug: (line: string) => this.err.write(`[debug] ${line}\n`) }),
    });
    if (endpoint === this.endpoint) this.#client = client;
    return client;
  }
}

function customHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

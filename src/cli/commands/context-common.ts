// What the `berth context` subcommands share: the store seen through docker's
// ContextStoreWithDefault (the `default` context is synthesized, never stored), docker's
// argument-count errors, and the DOCKER_HOST warning.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { defaultEndpoint } from '../endpoint-resolver.ts';
import { ContextStore, type ContextMeta, type ContextTlsData, type StorageInfo } from '../context/store.ts';
import { ExitCode } from '../exit-code.ts';
import { commandPath } from '../command-group.ts';

export const DEFAULT_CONTEXT = 'default';
export const DEFAULT_DESCRIPTION = 'Current DOCKER_HOST based configuration';

export interface DefaultContext {
  meta: ContextMeta;
  tls: ContextTlsData;
}

/** docker's ResolveDefaultContext: -H / DOCKER_HOST and the TLS flags, as a context. */
export function defaultContext(env: CliEnv): DefaultContext {
  const ep = defaultEndpoint(env);
  const files: Record<string, Buffer> = {};
  if (ep.tls?.ca) files['ca.pem'] = ep.tls.ca;
  if (ep.tls?.cert) files['cert.pem'] = ep.tls.cert;
  if (ep.tls?.key) files['key.pem'] = ep.tls.key;
  return {
    meta: {
      Name: DEFAULT_CONTEXT,
      Metadata: {},
      Endpoints: { docker: { Host: ep.host, SkipTLSVerify: ep.tls ? !ep.tls.verify : false } },
    },
    tls: ep.tls ? { docker: files } : {},
  };
}

/** The store plus the synthesized `default` context, like docker's ContextStoreWithDefault. */
export class ContextsView {
  readonly env: CliEnv;
  readonly store: ContextStore;
  #default: DefaultContext | undefined;

  constructor(env: CliEnv) {
    this.env = env;
    this.store = new ContextStore(env.configDir);
  }

  get default(): DefaultContext {
    this.#default ??= defaultContext(this.env);
    return this.#default;
  }

  get(name: string): ContextMeta {
    return name === DEFAULT_CONTEXT ? this.default.meta : this.store.get(name);
  }

  list(): ContextMeta[] {
    return [...this.store.list(), this.default.meta];
  }

  tlsFiles(name: string): Record<string, string[]> {
    if (name !== DEFAULT_CONTEXT) return this.store.tlsFiles(name);
    return Object.fromEntries(Object.entries(this.default.tls).map(([ep, files]) => [ep, Object.keys(files)]));
  }

  tlsData(name: string): ContextTlsData {
    return name === DEFAULT_CONTEXT ? this.default.tls : this.store.tlsData(name);
  }

  storageInfo(name: string): StorageInfo {
    if (name === DEFAULT_CONTEXT) return { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' };
    return this.store.storageInfo(name);
  }
}

/** docker's GetDockerContext description: the default context always describes itself. */
export function contextDescription(meta: ContextMeta): string {
  if (meta.Name === DEFAULT_CONTEXT) return DEFAULT_DESCRIPTION;
  const d = meta.Metadata.Description;
  return typeof d === 'string' ? d : '';
}

/** `berth context create`, as docker names a command in its messages. */

/**
 * docker's argument-count errors (cli.ExactArgs, cli.NoArgs, ...): message, usage line and a
 * pointer to --help on stderr, exit status 1.
 */
export function usageError(cmd: Command, message: string, verb: 'Run' | 'See' = 'Run'): never {
  const path = commandPath(cmd);
  process.stderr.write(`${path.split(' ')[0]}: '${path}' ${message}\n\nUsage:  ${usageLine(cmd)}\n\n${verb} '${path} --help' for more information\n`);
  throw new ExitCode(1);
}

/** A flag value docker's pflag would refuse: usage on stderr, exit status 125. */
export function invalidFlagValue(cmd: Command, flag: string, value: string, reason: string): never {
  flagError(cmd, `invalid argument "${value}" for "${flag}" flag: ${reason}`);
}

/** Any flag error of pflag's (unknown flag, missing value, bad value): usage on stderr, exit 125. */
export function flagError(cmd: Command, message: string): never {
  process.stderr.write(`${message}\n\nUsage:  ${usageLine(cmd)}\n\nRun '${commandPath(cmd)} --help' for more information\n`);
  throw new ExitCode(125);
}

function usageLine(cmd: Command): string {
  return `${commandPath(cmd)} ${cmd.usage()}`.trimEnd();
}

export function exactArgs(cmd: Command, args: string[], n: number): void {
  if (args.length !== n) usageError(cmd, `requires ${n} argument${n === 1 ? '' : 's'}`);
}

export function noArgs(cmd: Command, args: string[]): void {
  if (args.length) usageError(cmd, 'accepts no arguments');
}

export function hostOverridesContext(env: CliEnv): boolean {
  return (env.env.DOCKER_HOST ?? '') !== '';
}

/** errors.Join: one message per line. */
export function joinErrors(errs: unknown[]): Error | undefined {
  if (errs.length === 0) return undefined;
  return new Error(errs.map((e) => (e instanceof Error ? e.message : String(e))).join('\n'));
}

export { ellipsis } from '../format/ellipsis.ts';

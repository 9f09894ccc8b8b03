// The names completion offers, from where they live: containers, images, networks and volumes
// from the daemon the global flags select (through the API client), contexts from the context
// store. A TAB must never hang the prompt or print into it: the daemon gets a short time to
// answer, and any failure means no names (traced to $BERTH_COMPLETION_DEBUG_FILE when set).
import { appendFileSync } from 'node:fs';
import type { CliEnv, GlobalOptions } from '../cli-env.ts';
import { createLogger, type Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import type { NameSource } from './arg-specs.ts';

/** How long a TAB waits for the daemon's answer before it completes no names. */
export const DAEMON_DEADLINE_MS = 1500;

export interface NameLookup {
  names(source: NameSource, globals: GlobalOptions): Promise<string[]>;
  /** The daemon did not answer in time: its connection is still open (the caller exits). */
  readonly stalled: boolean;
}

export function nameLookup(env: NodeJS.ProcessEnv = process.env, deadlineMs = DAEMON_DEADLINE_MS): NameLookup {
  const logger = debugLogger(env);
  let stalled = false;
  return {
    get stalled() {
      return stalled;
    },
    async names(source, globals) {
      try {
        // Loaded here, not at start: a TAB that completes a command or a flag needs no client.
        const { CliEnv } = await import('../cli-env.ts');
        // Not in debug mode (-D, DOCKER_DEBUG): the client would trace its requests on stderr.
        const cli = new CliEnv({ ...globals, debug: false }, { ...env, DOCKER_DEBUG: undefined });
        if (source === 'contexts') return await contextNames(cli);
        // ssh would run with the terminal: its prompts and errors would land in the user's line.
        if (cli.endpoint.host.startsWith('ssh://')) return [];
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => ((stalled = true), reject(new Error(`no answer from ${cli.endpoint.host} in ${deadlineMs} ms`))), deadlineMs);
        });
        return await Promise.race([daemonNames(cli, source), late]).finally(() => clearTimeout(timer));
      } catch (err) {
        return logFailure(logger, `completing ${source} names`, { value: [] as string[] })(err);
      }
    },
  };
}

async function daemonNames(cli: CliEnv, source: NameSource): Promise<string[]> {
  const client = cli.client();
  switch (source) {
    case 'containers':
    case 'running':
    case 'stopped':
    case 'paused': {
      const list = await client.containers.list(CONTAINER_QUERIES[source]);
      // Names are /name; a link's alias (/other/name) is no container of its own. Short ids
      // too when asked for, with docker's variable.
      const ids = cli.env.DOCKER_COMPLETION_SHOW_CONTAINER_IDS === 'yes' ? list.map((c) => c.Id.slice(0, 12)) : [];
      const names = list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))).filter((n) => !n.includes('/'));
      return [...names, ...ids].sort();
    }
    case 'images': {
      const tags = (await client.images.list()).flatMap((i) => i.RepoTags ?? []);
      return tags.filter((t) => t !== '<none>:<none>').sort();
    }
    case 'networks':
      return (await client.networks.list()).map((n) => n.Name).sort();
    case 'volumes':
      return ((await client.volumes.list()).Volumes ?? []).map((v) => v.Name).sort();
    default:
      return [];
  }
}

const CONTAINER_QUERIES = {
  containers: { all: true },
  running: {},
  stopped: { all: true, filters: { status: ['created', 'exited'] } },
  paused: { all: true, filters: { status: ['paused'] } },
};

/** `default` (never stored) and every stored context. */
async function contextNames(cli: CliEnv): Promise<string[]> {
  const { ContextStore, naturalCompare } = await import('../context/store.ts');
  const stored = new ContextStore(cli.configDir).list().map((c) => c.Name);
  return ['default', ...stored].sort(naturalCompare);
}

function debugLogger(env: NodeJS.ProcessEnv): Logger | undefined {
  const file = env.BERTH_COMPLETION_DEBUG_FILE;
  return file ? createLogger('debug', (line) => appendFileSync(file, line)) : undefined;
}

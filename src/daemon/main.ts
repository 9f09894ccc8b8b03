// berthd's process life: parse flags and daemon.json, claim the pidfile, start the daemon,
// and answer signals — SIGTERM/SIGINT stop gracefully, SIGHUP reloads what can be reloaded.
import { loadDaemonConfig, offeredRuntimes, parseDaemonArgs, reloadDaemonConfig, DAEMON_HELP, type Settings } from './config/index.ts';
import { startDaemon, type Daemon } from './daemon.ts';
import { claimPidfile, releasePidfile } from './pidfile.ts';
import { needsNamespaces } from '../rootless/env.ts';
import { logFailure } from '../lib/log-failure.ts';
import { settleHeapWhenIdle } from './idle-heap.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { ENGINE_VERSION, GIT_COMMIT } from '../lib/build-info.ts';

export async function main(argv: string[]): Promise<number> {
  let loaded;
  try {
    loaded = loadDaemonConfig(argv);
  } catch (err) {
    process.stderr.write(`berthd: ${(err as Error).message}\n`);
    return 1;
  }
  if (loaded.showHelp) return void process.stdout.write(DAEMON_HELP), 0;
  if (loaded.showVersion) return void process.stdout.write(`berthd version ${ENGINE_VERSION}, build ${GIT_COMMIT}\n`), 0;
  if (loaded.validateOnly) return validate(loaded.config.authzPolicy);
  // An ordinary user's berthd is rootless: it runs again inside rootlesskit's namespaces
  // (src/rootless/launch.ts); this process is replaced and returns only when that failed.
  if (needsNamespaces()) return (await import('../rootless/launch.ts')).launchRootless(argv);

  const config = loaded.config;
  const logger = createLogger(config.logLevel);
  // Not performance.now(): the global's first use loads perf_hooks and its seven modules (issue 12).
  const started = process.hrtime.bigint();
  // Signals that arrive while the daemon starts are held and acted on once it is up, so a
  // SIGTERM right after the socket appears still stops it gracefully. The listeners stay
  // installed throughout: removing the last one would drop a signal libuv has already taken.
  const early: NodeJS.Signals[] = [];
  let onSignal: (sig: NodeJS.Signals) => void = (sig) => early.push(sig);
  for (const sig of SIGNALS) process.on(sig, (s: NodeJS.Signals) => onSignal(s));
  let daemon: Daemon;
  try {
    claimPidfile(config.pidfile);
    daemon = await startDaemon(config, logger);
  } catch (err) {
    logger.fatal('failed to start daemon', { error: (err as Error).message });
    releasePidfile(config.pidfile);
    return 1;
  }
  logger.info('Daemon has completed initialization', { version: ENGINE_VERSION, ms: Number((process.hrtime.bigint() - started) / 1_000_000n) });
  settleHeapWhenIdle();
  // The flags given at start, for a reload: parsed again only at a SIGHUP, not here, where the
  // first requests are waiting (util.parseArgs, ~2 ms; issue 12).
  const flags = () => parseDaemonArgs(argv).settings;
  return new Promise<number>((resolve) => {
    onSignal = signalHandler(daemon, logger, flags, resolve);
    for (const sig of early) onSignal(sig);
  });
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

function signalHandler(daemon: Daemon, logger: Logger, flags: () => Settings, exit: (code: number) => void): (sig: NodeJS.Signals) => void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('Processing signal, shutting down', { signal });
    daemon.shutdown().then(
      async () => {
        releasePidfile(daemon.config.pidfile);
        // Rootless: the namespace holder goes too when no container is left in it.
        if (daemon.config.rootless) {
          await import('../rootless/idle-holder.ts').then((m) => m.stopHolderIfIdle(daemon.config.execRoot, logger)).catch(logFailure(logger, 'stopping the idle namespace holder'));
        }
        logger.info('Daemon shutdown complete');
        exit(0);
      },
      (err: Error) => {
        logger.error('shutdown failed', { error: err.message });
        releasePidfile(daemon.config.pidfile);
        exit(1);
      },
    );
  };
  return (sig) => (sig === 'SIGHUP' ? (reload(daemon, logger, flags()), reloadAuthz(daemon, logger)) : stop(sig));
}

/** Flags given at start still win over the file: a file that repeats one is refused. */
function reload(daemon: Daemon, logger: Logger, flags: Settings): void {
  try {
    const { config, applied, ignored } = reloadDaemonConfig(daemon.config, daemon.config.configFile, flags);
    daemon.applyConfig(config);
    // The journal entry is committed before the log line acknowledges the reload.
    const event = daemon.events.emit('daemon', 'reload', daemon.id, {
      'log-level': config.logLevel,
      debug: String(config.debug),
      'registry-mirrors': JSON.stringify(config.registryMirrors),
      'insecure-registries': JSON.stringify(config.insecureRegistries),
      // dockerd's shape: "name:path" pairs, space-separated.
      runtimes: Object.entries(offeredRuntimes(config.runtimes)).map(([n, r]) => `${n}:${r.path}`).join(' '),
      'default-runtime': config.defaultRuntime,
    });
    logger.info('Reloaded configuration', {
      file: config.configFile,
      applied: applied.join(',') || 'nothing changed',
      ...(ignored.length && { 'needs-restart': ignored.join(',') }),
      event: event.seq,
    });
  } catch (err) {
    logger.error('Error reloading configuration; keeping the running one', { error: (err as Error).message });
  }
}

/** The authorization policy, reloaded apart from daemon.json: either may fail alone. */
function reloadAuthz(daemon: Daemon, logger: Logger): void {
  const authorizer = daemon.authorizer;
  if (authorizer) void import('../authz/setup.ts').then((m) => m.reloadPolicy(authorizer, daemon.config.dataRoot, logger));
}

/** --validate: daemon.json and flags (already read), and the authorization policy they name. */
async function validate(policy: string | undefined): Promise<number> {
  try {
    if (policy) (await import('../authz/setup.ts')).validatePolicy(policy);
  } catch (err) {
    process.stderr.write(`berthd: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(policy ? `configuration OK (authorization policy ${policy})\n` : 'configuration OK\n');
  return 0;
}

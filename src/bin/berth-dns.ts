// berth-dns: name resolution for containers on user-defined networks, as a process of its own.
//   berth-dns --records FILE --pidfile FILE
// It answers on each network's gateway address (port 53, UDP and TCP, host namespace) from the
// records file berthd writes (src/network/dns/records.ts), and forwards other names upstream.
// berthd starts it detached (src/network/dns/dns-supervisor.ts), so it outlives berthd as the
// containers do, and a restarted berthd adopts it through the pid file. It reloads the records
// on SIGHUP and when the file changes (an atomic rename: watched on the directory, since a watch
// on the file itself follows the replaced inode), ends on SIGTERM, and logs to stderr.
import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, LOG_LEVELS, type LogLevel } from '../lib/logger.ts';
import { isBerthDns, readPidFile, removePidFile, writePidFile } from '../network/dns/dns-process.ts';
import { DnsService } from '../network/dns/dns-service.ts';
import { readRecords } from '../network/dns/records.ts';

const RELOAD_DEBOUNCE_MS = 20;

const { values } = parseArgs({ options: { records: { type: 'string' }, pidfile: { type: 'string' }, 'log-level': { type: 'string' } } });
if (!values.records || !values.pidfile) {
  process.stderr.write('usage: berth-dns --records FILE --pidfile FILE [--log-level LEVEL]\n');
  process.exit(2);
}
const records = resolve(values.records);
const pidfile = resolve(values.pidfile);
const level = (LOG_LEVELS as readonly string[]).includes(values['log-level'] ?? '') ? (values['log-level'] as LogLevel) : 'info';
const logger = createLogger(level);

// A second berth-dns on the same records would find every port taken and retry for nothing.
const other = readPidFile(pidfile);
if (other !== undefined && other !== process.pid && isBerthDns(other, records)) {
  logger.error('another berth-dns serves these records', { pid: other, records });
  process.exit(1);
}

const service = new DnsService({ logger });

async function reload(why: string): Promise<void> {
  let r;
  try {
    r = readRecords(records);
  } catch (err) {
    logger.warn('DNS records unreadable, keeping the current ones', { records, error: err instanceof Error ? err.message : String(err) });
    return;
  }
  await service.apply(r);
  // One line per reload (each container start and stop): debug, so the log stays small.
  logger[why === 'start' ? 'info' : 'debug']('DNS records loaded', { why, networks: r.networks.length, listening: service.listening().length, waiting: service.waiting().length });
}

let pending: NodeJS.Timeout | undefined;
function reloadSoon(why: string): void {
  // A write shows as several events (the temp file, the rename) and berthd also sends SIGHUP:
  // one reload covers them all.
  pending ??= setTimeout(() => {
    pending = undefined;
    reload(why).catch((err) => logger.error('DNS reload failed', { error: err instanceof Error ? err.message : String(err) }));
  }, RELOAD_DEBOUNCE_MS);
}

const watcher = watch(dirname(records), (_event, name) => {
  if (name === basename(records)) reloadSoon('file changed');
});
process.on('SIGHUP', () => reloadSoon('SIGHUP'));

let ending = false;
async function end(signal: string): Promise<void> {
  if (ending) return;
  ending = true;
  logger.info('berth-dns stopping', { signal });
  watcher.close();
  clearTimeout(pending);
  await service.close();
  removePidFile(pidfile, process.pid);
  process.exit(0);
}
process.on('SIGTERM', () => void end('SIGTERM'));
process.on('SIGINT', () => void end('SIGINT'));

// Not a top-level await: the release build bundles this file as CommonJS. The pid file is
// written once the first records are served: whoever waits for the file waits for answers.
reload('start').then(
  () => {
    writePidFile(pidfile, process.pid);
    logger.info('berth-dns started', { pid: process.pid, records });
  },
  (err: unknown) => {
    logger.error('berth-dns could not start', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);

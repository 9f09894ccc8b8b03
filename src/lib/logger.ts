// Structured log lines in the logfmt shape dockerd's users know:
//   time="2026-11-27T20:00:00.000Z" level=info msg="API listening" addr=/run/berth/berth.sock
// The level can be changed at run time (SIGHUP reload).

import { isoTime } from './utc-time.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];

export type LogFields = Record<string, string | number | boolean | undefined | null>;

export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  fatal(msg: string, fields?: LogFields): void;
}

function quote(v: string): string {
  return /^[\w./:@+-]+$/.test(v) ? v : JSON.stringify(v);
}

export function formatLine(level: LogLevel, msg: string, fields: LogFields = {}, now = new Date()): string {
  let line = `time="${isoTime(now)}" level=${level} msg=${JSON.stringify(msg)}`;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null) continue;
    line += ` ${k}=${quote(String(v))}`;
  }
  return line + '\n';
}

export function createLogger(level: LogLevel = 'info', write: (s: string) => void = (s) => process.stderr.write(s)): Logger {
  const logger: Logger = {
    level,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    fatal: (m, f) => emit('fatal', m, f),
  };
  function emit(l: LogLevel, msg: string, fields?: LogFields): void {
    if (LOG_LEVELS.indexOf(l) < LOG_LEVELS.indexOf(logger.level)) return;
    write(formatLine(l, msg, fields));
  }
  return logger;
}

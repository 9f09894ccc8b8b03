// Errors raised while reading berthd's configuration.

/**
 * A configuration problem that must stop the daemon from starting (or a reload from applying).
 * `problems` lists every problem found, so a user can fix a daemon.json in one go;
 * `message` is those problems joined by newlines.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

/**
 * A single value that failed a check. Checks don't know whether the value came from a flag or
 * from daemon.json, so they throw this and the caller adds that context to a ConfigError.
 */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

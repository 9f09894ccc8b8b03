// Build arguments with the classic builder's rules (moby builder/dockerfile/buildargs.go):
// - an --build-arg value overrides an ARG's default; an ARG without default takes the value of
//   the meta ARG (before FROM) of that name; a value is in scope only once its stage declares it;
// - the proxy variables are predefined: usable without an ARG, given to RUN, but left out of
//   the image history unless declared;
// - a --build-arg that no ARG of the build declared is reported, once, at the end.
// ENV wins over ARG: the config's Env is looked at first wherever both are merged.

const PREDEFINED = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

export class BuildArgs {
  readonly #options: Map<string, string | null>;
  readonly #meta = new Map<string, string | undefined>();
  readonly #referenced = new Set<string>();

  constructor(options: Record<string, string | null>) {
    this.#options = new Map(Object.entries(options));
  }

  /** The value of `name` in a scope whose declared default is `dflt`. */
  value(name: string, dflt: string | undefined): string | undefined {
    const given = this.#options.get(name);
    if (given != null) return given;
    return dflt ?? this.#meta.get(name);
  }

  addMeta(name: string, dflt: string | undefined): void {
    this.#meta.set(name, dflt);
    this.#referenced.add(name);
  }

  reference(name: string): void {
    this.#referenced.add(name);
  }

  isReferencedOrNotPredefined(name: string): boolean {
    return this.#referenced.has(name) || !PREDEFINED.has(name);
  }

  /** Meta args and given proxies: what FROM lines and meta ARG defaults expand with. */
  metaEnv(): Map<string, string> {
    const env = new Map<string, string>();
    for (const name of this.#meta.keys()) {
      const v = this.value(name, undefined);
      if (v !== undefined) env.set(name, v);
    }
    for (const [name, v] of this.givenPredefined()) if (!env.has(name)) env.set(name, v);
    return env;
  }

  /** The proxy variables given with --build-arg: in scope everywhere without an ARG. */
  givenPredefined(): [string, string][] {
    return [...this.#options].filter((e): e is [string, string] => e[1] != null && PREDEFINED.has(e[0]));
  }

  /** Build args given but declared by no ARG (predefined ones excepted), sorted as dockerd. */
  unconsumed(): string[] {
    return [...this.#options.keys()].filter((k) => !this.#referenced.has(k) && !PREDEFINED.has(k)).sort();
  }

  stage(): StageArgs {
    return new StageArgs(this);
  }
}

/** The ARGs one stage has declared so far. */
export class StageArgs {
  readonly #build: BuildArgs;
  readonly #declared = new Map<string, string | undefined>();

  constructor(build: BuildArgs) {
    this.#build = build;
  }

  declare(name: string, dflt: string | undefined): void {
    this.#declared.set(name, dflt);
    this.#build.reference(name);
  }

  has(name: string): boolean {
    return this.#declared.has(name);
  }

  /** Declared args with a value, and given proxies, in declaration order. */
  allowed(): Map<string, string> {
    const env = new Map<string, string>();
    for (const [name, dflt] of this.#declared) {
      const v = this.#build.value(name, dflt);
      if (v !== undefined) env.set(name, v);
    }
    for (const [name, v] of this.#build.givenPredefined()) if (!env.has(name)) env.set(name, v);
    return env;
  }

  /** "k=v" of the allowed args the config's Env does not set: what RUN adds to its env. */
  runEnv(configEnv: readonly string[] | undefined): string[] {
    const set = new Set((configEnv ?? []).map((e) => e.split('=', 1)[0]!));
    return [...this.allowed()].filter(([k]) => !set.has(k)).map(([k, v]) => `${k}=${v}`);
  }

  /** RUN's history text: "|N a=b c=d" (sorted, proxies only when declared) before the command. */
  historyPrefix(runEnv: readonly string[]): string[] {
    const shown = runEnv.filter((e) => this.#build.isReferencedOrNotPredefined(e.split('=', 1)[0]!)).sort();
    return [`|${shown.length}`, ...shown];
  }
}

// One build's options (POST /build's query, parsed and checked by the router) and the way the
// builder reports: docker's JSON stream lines ({"stream"}, {"aux"}), written by the router.

export interface BuildOptions {
  /** The Dockerfile's path in the context ("Dockerfile" by default). */
  dockerfile: string;
  /** Tags to apply (normalised "name:tag"), all after a successful build. */
  tags: string[];
  /** --build-arg: a null value takes the variable from... nowhere on the daemon: unset. */
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  /** Remove intermediate containers after a successful build (default true). */
  rm: boolean;
  /** Always remove them, even after a failure. */
  forceRm: boolean;
  quiet: boolean;
  /** Images whose steps may be used as cache. */
  cacheFrom: string[];
  /** NetworkMode of RUN containers ("default", "none", "host", a network name). */
  networkMode: string;
  platform?: string;
  extraHosts: string[];
  shmSize?: number;
  memory?: number;
  memorySwap?: number;
  cpuShares?: number;
  cpuSetCpus?: string;
  cpuPeriod?: number;
  cpuQuota?: number;
}

export interface BuildOutput {
  /** Text for the user ({"stream": text}); lines end in "\n". */
  stream(text: string): void;
  /** {"aux": value}: the image id ({ID: "sha256:..."}) before "Successfully built". */
  aux(value: unknown): void;
}

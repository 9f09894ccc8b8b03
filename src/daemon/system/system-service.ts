// GET /version, /info and /system/df: what the engine is and what it holds, read from the host
// and from the services that own each resource (never made up).
import { release as kernelRelease } from 'node:os';
import type { DaemonConfig } from '../config/types.ts';
import { MAX_API_VERSION, MIN_API_VERSION } from '../../api/types/version.ts';
import { binaryVersion, goArch, operatingSystem } from './host-facts.ts';
import { buildInfo } from './info.ts';
import { offeredRuntimes } from '../config/defaults.ts';
import { ENGINE_VERSION, GIT_COMMIT, BUILD_TIME } from '../../lib/build-info.ts';

/** Counts other services report; each later resource service plugs its own in. */
export interface ResourceCounts {
  containers(): { total: number; running: number; paused: number; stopped: number };
  images(): number;
}

export interface DiskUsage {
  LayersSize: number;
  Images: unknown[];
  Containers: unknown[];
  Volumes: unknown[];
  BuildCache: unknown[];
}

export interface DiskUsageSource {
  diskUsage(): Promise<DiskUsage>;
}

export interface SystemServiceDeps {
  config: () => DaemonConfig;
  daemonId: string;
  counts: ResourceCounts;
  usage: DiskUsageSource;
  eventListeners: () => number;
  storageDriver: () => { name: string; status: [string, string][] };
}

export class SystemService {
  readonly #deps: SystemServiceDeps;
  constructor(deps: SystemServiceDeps) {
    this.#deps = deps;
  }

  async version(): Promise<Record<string, unknown>> {
    const cfg = this.#deps.config();
    const runtimePath = offeredRuntimes(cfg.runtimes)[cfg.defaultRuntime]?.path ?? 'runc';
    const [runc, conmon] = await Promise.all([binaryVersion(runtimePath), binaryVersion('conmon')]);
    const details = {
      ApiVersion: MAX_API_VERSION,
      Arch: goArch(),
      BuildTime: BUILD_TIME,
      Experimental: String(cfg.experimental),
      GitCommit: GIT_COMMIT,
      GoVersion: `node${process.versions.node}`,
      KernelVersion: kernelRelease(),
      MinAPIVersion: MIN_API_VERSION,
      Os: 'linux',
    };
    const components: Record<string, unknown>[] = [{ Name: 'Engine', Version: ENGINE_VERSION, Details: details }];
    if (runc) components.push({ Name: cfg.defaultRuntime, Version: runc.version, Details: { GitCommit: runc.commit } });
    if (conmon) components.push({ Name: 'conmon', Version: conmon.version, Details: { GitCommit: conmon.commit } });
    return {
      Platform: { Name: `berth Engine ${ENGINE_VERSION}` },
      Components: components,
      Version: ENGINE_VERSION,
      ApiVersion: MAX_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: GIT_COMMIT,
      GoVersion: details.GoVersion,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: kernelRelease(),
      Experimental: cfg.experimental,
      BuildTime: BUILD_TIME,
    };
  }

  async info(): Promise<Record<string, unknown>> {
    const cfg = this.#deps.config();
    const runtimePath = offeredRuntimes(cfg.runtimes)[cfg.defaultRuntime]?.path ?? 'runc';
    const [runc, tini] = await Promise.all([binaryVersion(runtimePath), binaryVersion('tini')]);
    return buildInfo({
      config: cfg,
      daemonId: this.#deps.daemonId,
      counts: this.#deps.counts,
      eventListeners: this.#deps.eventListeners(),
      storage: this.#deps.storageDriver(),
      os: operatingSystem(),
      runcCommit: runc?.commit ?? '',
      initCommit: tini?.version ?? '',
    });
  }

  diskUsage(): Promise<DiskUsage> {
    return this.#deps.usage.diskUsage();
  }
}

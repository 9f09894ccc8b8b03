// What the lifecycle's parts share. Lifecycle (lifecycle.ts) is the public face; each concern
// is a file of its own: starting (lifecycle-starts.ts), exits (lifecycle-exits.ts), stopping
// (lifecycle-stops.ts), freezes (lifecycle-freezes.ts), removal (lifecycle-removal.ts), wait
// (lifecycle-wait.ts) and restore (lifecycle-restore.ts). They reach each other through these
// parts, built once by Lifecycle's constructor.
//
// The one lock: `mutex`, per container. Start, stop's signalling, restart, pause, removal,
// exit recording, the restart manager's status changes and a prepared start's making run under
// it, one at a time. Methods named `...Held` (or documented "held") expect the caller to hold
// it and never take it themselves; everything else takes it or needs none.
import type { ContainerService } from './container-service.ts';
import type { Conmon } from '../../runtime/monitor/conmon.ts';
import type { ContainerRuntimes } from './container-runtimes.ts';
import type { ContainerLogs } from './container-logs.ts';
import type { Logger } from '../../lib/logger.ts';
import type { KeyedMutex } from '../../lib/keyed-mutex.ts';
import type { RestartManager } from './restart-manager.ts';
import type { RunTracker } from './run-tracker.ts';
import type { PreparedStarts } from './prepared-starts.ts';
import type { RuntimeContainers } from './runtime-containers.ts';
import type { ContainerAttachments } from './attachments.ts';
import type { Starts } from './lifecycle-starts.ts';
import type { Exits } from './lifecycle-exits.ts';
import type { Stops } from './lifecycle-stops.ts';
import type { Freezes } from './lifecycle-freezes.ts';
import type { Removal } from './lifecycle-removal.ts';
import type { AutoRemovedExits } from './lifecycle-wait.ts';
import { logFailure } from '../../lib/log-failure.ts';

export interface LifecycleDeps {
  svc: ContainerService;
  conmon: Conmon;
  /** The OCI runtime of each container's run (container-runtimes.ts). */
  runtime: ContainerRuntimes;
  execRoot: string;
  initPath?: string;
  /** Log drivers and rotation (container-logs.ts). */
  logs: ContainerLogs;
  /** Network endpoints, volume mounts...: set up before each run, torn down after (attachments.ts). */
  attachments: ContainerAttachments;
  /** How long a container prepared for its start waits for it (prepared-starts.ts). */
  preparedStartTtlMs?: number;
  /** Whether a copy or export is using the container's rootfs (set once RootfsAccess exists):
   * ending a prepared start leaves the unmount to that user's release. */
  rootfsInUse?: (id: string) => boolean;
  /** The daemon log: clean-ups that fail while the caller goes on are traced there (debug). */
  logger?: Logger;
}

export interface LifecycleParts {
  readonly deps: LifecycleDeps;
  readonly mutex: KeyedMutex;
  readonly tracker: RunTracker;
  readonly runtime: RuntimeContainers;
  readonly prepared: PreparedStarts;
  readonly restarts: RestartManager;
  readonly starts: Starts;
  readonly exits: Exits;
  readonly stops: Stops;
  readonly freezes: Freezes;
  readonly removal: Removal;
  /** Exits of containers that removed themselves lately, for a wait after the removal. */
  readonly autoRemoved: AutoRemovedExits;
  /** Set by the daemon's shutdown: its stops are not the user's, and nothing is prepared. */
  shuttingDown: boolean;
}

/** A .catch for a step whose failure the caller goes on from: a debug line naming it. */
export function failed(p: LifecycleParts, what: string, id: string, expected?: (err: unknown) => boolean): (err: unknown) => undefined {
  return logFailure(p.deps.logger, what, { fields: { container: id }, ...(expected && { expected }) });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether the row asks to be removed when its run ends (--rm). */
export function autoRemoves(c: { hostConfig: unknown }): boolean {
  return (c.hostConfig as { AutoRemove?: boolean }).AutoRemove === true;
}

// The JSON shapes of GET /containers/{id}/json and GET /containers/json.
import { type ContainerRow, isActive } from '../../store/containers.ts';
import { commandOf } from './container-config.ts';
import { humanDuration } from '../../lib/human-duration.ts';
import { mountsView } from './container-mounts.ts';
import { hostConfigView } from './host-config-view.ts';

export function stateView(c: ContainerRow): Record<string, unknown> {
  return {
    Status: c.status,
    Running: isActive(c.status),
    Paused: c.status === 'paused',
    Restarting: c.status === 'restarting',
    OOMKilled: c.oomKilled,
    Dead: c.status === 'dead',
    Pid: c.pid,
    ExitCode: c.exitCode,
    Error: c.error,
    StartedAt: c.startedAt,
    FinishedAt: c.finishedAt,
    ...(c.health && { Health: c.health }),
  };
}

/** What the `health` filter and the summary's Health see: "none" without a health check. */
export function healthStatusOf(c: ContainerRow): string {
  return c.health?.Status ?? 'none';
}

export function inspectView(c: ContainerRow, extra: { driver: string; graph: Record<string, string> | null }): Record<string, unknown> {
  const { path, args } = commandOf(c.config);
  const logDriver = c.hostConfig.LogConfig?.Type ?? 'json-file';
  return {
    Id: c.id,
    Created: c.created,
    Path: path,
    Args: args,
    State: stateView(c),
    Image: c.imageId,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    // As dockerd: only json-file's file is API; local's and none's are the driver's business.
    LogPath: logDriver === 'json-file' ? c.logPath : '',
    Name: c.name,
    RestartCount: c.restartCount,
    Driver: extra.driver,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: hostConfigView(c.hostConfig),
    GraphDriver: { Name: extra.driver, Data: extra.graph },
    Mounts: mountsView(c),
    Config: c.config,
    NetworkSettings: { Bridge: '', SandboxID: '', SandboxKey: '', Ports: {}, Networks: {} },
  };
}

/** docker ps's Status column: "Up 5 minutes", "Exited (0) 3 seconds ago", "Created". */
export function statusText(c: ContainerRow, now = Date.now()): string {
  switch (c.status) {
    case 'running':
      // dockerd's Health.String(): "health: starting", "healthy", "unhealthy".
      if (c.health) return `Up ${humanDuration(now - Date.parse(c.startedAt))} (${c.health.Status === 'starting' ? 'health: starting' : c.health.Status})`;
      return `Up ${humanDuration(now - Date.parse(c.startedAt))}`;
    case 'paused':
      return `Up ${humanDuration(now - Date.parse(c.startedAt))} (Paused)`;
    case 'restarting':
      return `Restarting (${c.exitCode}) ${humanDuration(now - Date.parse(c.finishedAt))} ago`;
    case 'exited':
      return `Exited (${c.exitCode}) ${humanDuration(now - Date.parse(c.finishedAt))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}

/** The list's Command as dockerd writes it: the arguments after the first that hold a space in
 * single quotes (`sh -c 'echo x; exit 3'`); no escaping beyond that. */
export function listedCommand(config: Pick<ContainerRow['config'], 'Entrypoint' | 'Cmd'>): string {
  const [path = '', ...args] = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  return [path, ...args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

/** `health` (API 1.52+): the status ("none" without a check) and the failing streak. */
export function summaryView(c: ContainerRow, withHealth = false): Record<string, unknown> {
  return {
    Id: c.id,
    Names: [c.name],
    Image: c.image,
    ImageID: c.imageId,
    Command: listedCommand(c.config),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: [],
    Labels: c.config.Labels ?? {},
    State: c.status,
    Status: statusText(c),
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode ?? 'default' },
    NetworkSettings: { Networks: {} },
    Mounts: mountsView(c),
    ...(withHealth && { Health: { Status: healthStatusOf(c), FailingStreak: c.health?.FailingStreak ?? 0 } }),
  };
}

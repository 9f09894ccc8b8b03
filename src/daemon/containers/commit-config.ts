// The config a committed image gets: dockerd's merge of the requested config (the container's
// own, or the one the request sent, after --change) with the container's config, which fills
// in whatever the request left empty.
import type { ContainerConfig, HealthConfig } from '../../image/types.ts';

type Config = ContainerConfig & Record<string, unknown>;

const empty = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' ? Object.keys(v).length === 0 : v === '');

export function mergeCommitConfig(requested: ContainerConfig, container: Config): Config {
  const out = structuredClone(requested) as Config;
  // Fields the container lacks stay as they are (absent, not invented empty values).
  const fill = <K extends keyof Config>(k: K) => {
    if (container[k] !== undefined) out[k] = structuredClone(container[k]);
  };
  if (!out.User) fill('User');
  if (empty(out.ExposedPorts)) fill('ExposedPorts');
  else for (const port of Object.keys(container.ExposedPorts ?? {})) out.ExposedPorts![port] ??= {};
  if (empty(out.Env)) fill('Env');
  else {
    const keys = new Set(out.Env!.map((e) => e.split('=')[0]));
    for (const e of container.Env ?? []) if (!keys.has(e.split('=')[0])) out.Env!.push(e);
  }
  out.Labels = { ...container.Labels, ...out.Labels };
  if (empty(out.Entrypoint)) {
    if (empty(out.Cmd)) fill('Cmd');
    // Only an absent Entrypoint is filled in: an empty one says "none" on purpose.
    if (out.Entrypoint === undefined || out.Entrypoint === null) fill('Entrypoint');
  }
  if (container.Healthcheck) out.Healthcheck = mergeHealth(out.Healthcheck, container.Healthcheck);
  if (!out.WorkingDir) fill('WorkingDir');
  if (empty(out.Volumes)) fill('Volumes');
  else out.Volumes = { ...out.Volumes, ...container.Volumes };
  if (!out.StopSignal) fill('StopSignal');
  return out;
}

function mergeHealth(mine: HealthConfig | undefined, theirs: HealthConfig): HealthConfig {
  if (!mine) return theirs;
  const out = { ...mine };
  if (empty(out.Test)) out.Test = theirs.Test ?? [];
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) if (!out[k]) out[k] = theirs[k] ?? 0;
  return out;
}

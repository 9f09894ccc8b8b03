// A create request's Config merged with its image's config as dockerd merges them, and the
// request checked field by field so a wrong type is a 400 that names the field (HostConfig and
// StopTimeout: host-config-check.ts, with Go's decoder texts).
import type { HealthConfig, ImageConfig } from '../../image/types.ts';
import type { ContainerConfig } from '../../api/types/engine-api.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { mergeHealthcheck, validateHealthcheck, validateHealthOnFailure } from './health-config.ts';

type Json = Record<string, unknown>;

const STRING_FIELDS = ['Hostname', 'Domainname', 'User', 'Image', 'WorkingDir', 'StopSignal', 'MacAddress'];
const BOOL_FIELDS = ['AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'NetworkDisabled', 'ArgsEscaped'];
const LIST_FIELDS = ['Env', 'Cmd', 'Entrypoint', 'OnBuild', 'Shell'];
/** strslice.StrSlice in dockerd: a single string is a one-element list. Env and OnBuild are not. */
const STRSLICE_FIELDS = new Set(['Cmd', 'Entrypoint', 'Shell']);
const MAP_FIELDS = ['Labels', 'ExposedPorts', 'Volumes'];

export function checkConfigTypes(body: Json): void {
  const fail = (field: string, want: string) => invalidParameter(`invalid value for "${field}": expected ${want}`);
  for (const f of STRING_FIELDS) if (body[f] != null && typeof body[f] !== 'string') throw fail(f, 'a string');
  for (const f of BOOL_FIELDS) if (body[f] != null && typeof body[f] !== 'boolean') throw fail(f, 'a boolean');
  for (const f of LIST_FIELDS) {
    const v = body[f];
    if (v == null || (typeof v === 'string' && STRSLICE_FIELDS.has(f))) continue;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw fail(f, 'a list of strings');
  }
  for (const f of MAP_FIELDS) {
    const v = body[f];
    if (v != null && (typeof v !== 'object' || Array.isArray(v))) throw fail(f, 'an object');
  }
  const labels = body.Labels as Json | undefined;
  for (const [k, v] of Object.entries(labels ?? {})) if (typeof v !== 'string') throw fail(`Labels.${k}`, 'a string');
  validateHealthcheck(body.Healthcheck);
  validateHealthOnFailure(body.HostConfig);
}

const asList = (v: unknown): string[] | undefined => (v == null ? undefined : typeof v === 'string' ? [v] : (v as string[]));

/** The Config dockerd stores: the request's values, falling back to the image's. */
export function mergeConfig(req: Json, image: ImageConfig): ContainerConfig {
  const img = image.config ?? {};
  const entrypoint = asList(req.Entrypoint);
  const cmd = asList(req.Cmd);
  // As dockerd merges them: with no entrypoint asked (absent or an empty list), an empty Cmd
  // (absent or []: dockerode's run(image, [])) is the image's; an entrypoint asked resets the
  // image's Cmd. `[""]` (docker run --entrypoint "") asks for none at all: the image's is
  // dropped and, since it was asked, its Cmd is not taken either.
  const asksEntrypoint = entrypoint !== undefined && entrypoint.length > 0;
  const resolvedCmd = !asksEntrypoint && !cmd?.length ? img.Cmd ?? cmd : cmd;
  const noEntrypoint = entrypoint?.length === 1 && entrypoint[0] === '';
  const env = mergeEnv(img.Env ?? [], (req.Env as string[] | undefined) ?? []);
  // Field by field, as dockerd: `--health-retries 5` keeps the image's test and interval.
  const healthcheck = mergeHealthcheck(req.Healthcheck as HealthConfig | undefined, img.Healthcheck);
  return {
    Hostname: (req.Hostname as string) ?? '',
    Domainname: (req.Domainname as string) ?? '',
    User: (req.User as string) || img.User || '',
    AttachStdin: req.AttachStdin === true,
    AttachStdout: req.AttachStdout === true,
    AttachStderr: req.AttachStderr === true,
    ...(mergeMaps(img.ExposedPorts, req.ExposedPorts as Json) && { ExposedPorts: mergeMaps(img.ExposedPorts, req.ExposedPorts as Json) }),
    Tty: req.Tty === true,
    OpenStdin: req.OpenStdin === true,
    StdinOnce: req.StdinOnce === true,
    Env: env,
    Cmd: resolvedCmd ?? null,
    ...(healthcheck && { Healthcheck: healthcheck }),
    Image: req.Image as string,
    Volumes: mergeMaps(img.Volumes, req.Volumes as Json) ?? null,
    WorkingDir: (req.WorkingDir as string) || img.WorkingDir || '',
    Entrypoint: noEntrypoint ? null : entrypoint ?? img.Entrypoint ?? null,
    OnBuild: null,
    Labels: { ...img.Labels, ...(req.Labels as Record<string, string>) },
    ...((req.StopSignal as string) || img.StopSignal ? { StopSignal: (req.StopSignal as string) || img.StopSignal } : {}),
    ...(req.StopTimeout != null && { StopTimeout: req.StopTimeout as number }),
    // Only the request's: dockerd does not take an image's SHELL into the container (a
    // CMD-SHELL health check runs under it, else /bin/sh -c).
    ...(Array.isArray(req.Shell) && req.Shell.length > 0 && { Shell: req.Shell }),
  };
}

function mergeEnv(image: string[], request: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...image, ...request]) out.set(e.split('=')[0]!, e);
  return [...out.values()];
}

function mergeMaps(a: Record<string, object> | undefined, b: Json | undefined): Record<string, object> | undefined {
  if (!a && !b) return undefined;
  return { ...a, ...(b as Record<string, object>) };
}

/** Path and Args as docker inspect shows them. */
export function commandOf(config: Pick<ContainerConfig, 'Entrypoint' | 'Cmd'>): { path: string; args: string[] } {
  const full = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (full.length === 0) throw invalidParameter('no command specified');
  return { path: full[0]!, args: full.slice(1) };
}

// Health checks as configured: the create request's Config.Healthcheck checked as dockerd checks
// it (daemon/container.go validateHealthCheck, and Go's JSON decoding before that), merged with
// the image's field by field (daemon/commit.go merge), and read into the settings a monitor runs
// with, dockerd's defaults filling what is 0. Plus berth's HostConfig.HealthOnFailure.
import type { HealthConfig } from '../../image/types.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';
import { invalidParameter } from '../../api/types/errors.ts';

/** containertypes.MinimumDuration: any duration set must be at least 1ms. */
const MINIMUM_NS = 1_000_000;
const DURATIONS = ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const;

export interface HealthSettings {
  /** The probe's argv: Test[1:], behind the shell for CMD-SHELL. */
  cmd: string[];
  intervalNs: number;
  timeoutNs: number;
  startPeriodNs: number;
  startIntervalNs: number;
  retries: number;
}

export const HEALTH_ON_FAILURE = ['none', 'kill', 'restart', 'stop'] as const;
export type HealthOnFailure = (typeof HEALTH_ON_FAILURE)[number];

/** What Go's decoder says about a value of the wrong JSON type. */
function unmarshalError(v: unknown, path: string, goType: string): Error {
  // Go names the number only when it was meant for a number field (and did not fit).
  const kind = typeof v === 'number' ? (goType === 'string' ? 'number' : `number ${v}`) : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'array' : typeof v;
  return invalidParameter(`json: cannot unmarshal ${kind} into Go struct field ${path} of type ${goType}`);
}

/** Config.Healthcheck of a create request, as dockerd refuses it (400). */
export function validateHealthcheck(hc: unknown): void {
  if (hc === undefined || hc === null) return;
  if (typeof hc !== 'object' || Array.isArray(hc)) throw unmarshalError(hc, 'CreateRequest.Healthcheck', 'container.HealthConfig');
  const h = hc as Record<string, unknown>;
  if (h.Test != null) {
    if (!Array.isArray(h.Test)) throw unmarshalError(h.Test, 'HealthConfig.Healthcheck.Test', '[]string');
    const bad = h.Test.find((t) => t !== null && typeof t !== 'string');
    if (bad !== undefined) throw unmarshalError(bad, 'HealthConfig.Healthcheck.Test', 'string');
  }
  for (const f of [...DURATIONS, 'Retries'] as const) {
    const v = h[f];
    if (v != null && (typeof v !== 'number' || !Number.isInteger(v))) throw unmarshalError(v, `HealthConfig.Healthcheck.${f}`, f === 'Retries' ? 'int' : 'time.Duration');
  }
  const tooSmall = (f: (typeof DURATIONS)[number]) => {
    const v = (h[f] as number | undefined) ?? 0;
    return v !== 0 && v < MINIMUM_NS;
  };
  // dockerd's order: Interval, Timeout, Retries, StartPeriod, StartInterval.
  for (const f of ['Interval', 'Timeout'] as const) if (tooSmall(f)) throw invalidParameter(`${f} in Healthcheck cannot be less than 1ms`);
  if (((h.Retries as number | undefined) ?? 0) < 0) throw invalidParameter('Retries in Healthcheck cannot be negative');
  for (const f of ['StartPeriod', 'StartInterval'] as const) if (tooSmall(f)) throw invalidParameter(`${f} in Healthcheck cannot be less than 1ms`);
}

/** The container's Healthcheck: the request's, with what it leaves empty or 0 from the image's. */
export function mergeHealthcheck(req: HealthConfig | undefined | null, image: HealthConfig | undefined | null): HealthConfig | undefined {
  if (!image) return req ?? undefined;
  if (!req) return image;
  const out: HealthConfig = { ...req };
  if (!out.Test?.length && image.Test) out.Test = image.Test;
  for (const f of [...DURATIONS, 'Retries'] as const) if (!out[f] && image[f]) out[f] = image[f];
  return out;
}

/** How to probe, or undefined when there is nothing to run (no Test, NONE, or an unknown kind,
 * which dockerd only logs). `shell` is Config.Shell when the container has one. */
export function healthSettings(hc: HealthConfig | undefined, shell?: string[]): HealthSettings | undefined {
  const [kind, ...rest] = hc?.Test ?? [];
  if (kind !== 'CMD' && kind !== 'CMD-SHELL') return undefined;
  const or = (v: number | undefined, d: number) => (v ? v : d);
  return {
    cmd: kind === 'CMD-SHELL' ? [...(shell?.length ? shell : ['/bin/sh', '-c']), ...rest] : rest,
    intervalNs: or(hc!.Interval, 30e9),
    timeoutNs: or(hc!.Timeout, 30e9),
    startPeriodNs: or(hc!.StartPeriod, 0),
    startIntervalNs: or(hc!.StartInterval, 5e9),
    retries: hc!.Retries && hc!.Retries > 0 ? hc!.Retries : 3,
  };
}

/** HostConfig.HealthOnFailure (berth's extension, as Podman's --health-on-failure). */
export function validateHealthOnFailure(hostConfig: unknown): void {
  const v = (hostConfig as Record<string, unknown> | undefined | null)?.HealthOnFailure;
  if (v === undefined || v === null || v === '') return;
  if (typeof v !== 'string' || !(HEALTH_ON_FAILURE as readonly string[]).includes(v)) {
    throw invalidParameter(`invalid on-failure action ${JSON.stringify(typeof v === 'string' ? v : String(v))} for health check: supported actions are ${HEALTH_ON_FAILURE.join(', ')}`);
  }
}

/** HealthOnFailure is berth's own field: stored with the API's, not in the API's HostConfig. */
export function healthOnFailureOf(hostConfig: HostConfig & { HealthOnFailure?: unknown }): HealthOnFailure {
  const v = hostConfig.HealthOnFailure;
  return typeof v === 'string' && (HEALTH_ON_FAILURE as readonly string[]).includes(v) ? (v as HealthOnFailure) : 'none';
}

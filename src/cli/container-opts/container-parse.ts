// Flags → the body of POST /containers/create, as docker's parse() builds it: the same fields,
// the same defaults (null vs [] vs {} included) and the same refusals, so berthd (or dockerd)
// stores exactly what it would store for `docker run` with the same flags.
import { resolve } from 'node:path';
import type { ContainerFlags } from './container-flags.ts';
import { kvMap, readKvStrings, sortedMap } from './kv-file.ts';
import { parsePorts } from './ports.ts';
import { parseDevices } from './devices.ts';
import { buildHostConfig } from './host-config.ts';
import { networkingConfig } from './network-opts.ts';

type Json = Record<string, unknown>;

export interface CreateBody extends Json {
  Image: string;
  HostConfig: Json;
  NetworkingConfig: Json;
}

export interface ParseContext {
  /** config.json's `proxies`, and the daemon host that selects an entry. */
  proxies?: Record<string, Record<string, string>>;
  daemonHost: string;
  /** [height, width] of the terminal on stdout, [0, 0] without one. */
  consoleSize: [number, number];
}

export function parseContainerFlags(f: ContainerFlags, image: string, args: string[], ctx: ParseContext): CreateBody {
  const attach = f.attach ?? [];
  const attachStdin = attach.includes('stdin') || f.interactive === true;
  const attachStdout = attach.length === 0 || attach.includes('stdout');
  const attachStderr = attach.length === 0 || attach.includes('stderr');
  if (f.macAddress && !isMac(f.macAddress)) throw new Error(`${f.macAddress} is not a valid mac address`);
  const swappiness = f.memorySwappiness ?? -1;
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100)) throw new Error(`invalid value: ${swappiness}. Valid memory swappiness range is 0-100`);

  const { binds, volumes } = parseVolumes(f.volume ?? []);
  const { exposed, bindings } = parsePorts(f.publish ?? [], f.expose ?? []);
  const devices = parseDevices(f.device ?? []);
  const env = readKvStrings(f.envFile ?? [], withProxyEnv(f.env ?? [], ctx), (k) => process.env[k]);
  const labels = kvMap(readKvStrings(f.labelFile ?? [], f.label ?? []) ?? []);
  const healthcheck = healthConfig(f);
  const hostConfig = buildHostConfig(f, { binds, bindings, devices, consoleSize: ctx.consoleSize });

  const config: Json = {
    Hostname: f.hostname ?? '',
    Domainname: f.domainname ?? '',
    User: f.user ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(Object.keys(exposed).length && { ExposedPorts: sortedMap(exposed) }),
    Tty: f.tty === true,
    OpenStdin: f.interactive === true,
    StdinOnce: f.interactive === true && attachStdin,
    Env: env,
    Cmd: args.length ? args : null,
    ...(healthcheck && { Healthcheck: healthcheck }),
    Image: image,
    Volumes: sortedMap(volumes),
    WorkingDir: f.workdir ?? '',
    Entrypoint: f.entrypoint === undefined ? null : [f.entrypoint],
    OnBuild: null,
    Labels: labels,
    ...(f.stopSignal && { StopSignal: f.stopSignal }),
    ...(f.stopTimeout !== undefined && { StopTimeout: f.stopTimeout }),
  };
  return { ...config, Image: image, HostConfig: hostConfig, NetworkingConfig: networkingConfig(f) };
}

/** The config.json proxies become environment variables the user did not set (ParseProxyConfig). */
function withProxyEnv(env: string[], ctx: ParseContext): string[] {
  const byKey = new Map<string, string>();
  for (const e of env) byKey.set(e.split('=')[0]!, e);
  const proxies = ctx.proxies?.[ctx.daemonHost] ?? ctx.proxies?.default ?? {};
  const names: [string, string][] = [['HTTP_PROXY', 'httpProxy'], ['HTTPS_PROXY', 'httpsProxy'], ['NO_PROXY', 'noProxy'], ['FTP_PROXY', 'ftpProxy'], ['ALL_PROXY', 'allProxy']];
  for (const [name, key] of names) {
    const value = proxies[key];
    if (!value) continue;
    for (const n of [name, name.toLowerCase()]) if (!byKey.has(n)) byKey.set(n, `${n}=${value}`);
  }
  return [...byKey.values()];
}

function healthConfig(f: ContainerFlags): Json | undefined {
  const given = Boolean(f.healthCmd) || Boolean(f.healthInterval) || Boolean(f.healthTimeout) || Boolean(f.healthStartPeriod) || Boolean(f.healthRetries) || Boolean(f.healthStartInterval);
  if (f.healthcheck === false) {
    if (given) throw new Error('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!given) return undefined;
  for (const [name, v] of [['interval', f.healthInterval], ['timeout', f.healthTimeout], ['retries', f.healthRetries], ['start-period', f.healthStartPeriod], ['start-interval', f.healthStartInterval]] as const) {
    if ((v ?? 0) < 0) throw new Error(`--health-${name} cannot be negative`);
  }
  // HealthcheckConfig's fields are all omitempty.
  return {
    ...(f.healthCmd && { Test: ['CMD-SHELL', f.healthCmd] }),
    ...(f.healthInterval && { Interval: f.healthInterval }),
    ...(f.healthTimeout && { Timeout: f.healthTimeout }),
    ...(f.healthStartPeriod && { StartPeriod: f.healthStartPeriod }),
    ...(f.healthStartInterval && { StartInterval: f.healthStartInterval }),
    ...(f.healthRetries && { Retries: f.healthRetries }),
  };
}

/** -v: specs with a source are binds (a relative ./path made absolute), the rest anonymous volumes. */
function parseVolumes(specs: string[]): { binds: string[] | null; volumes: Record<string, object> } {
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const spec of specs) {
    const parts = spec.split(':');
    if (parts.some((p, i) => p === '' && i < parts.length - 1) || spec === '') throw new Error(`invalid spec: ${spec}: empty section between colons`);
    if (parts.length === 1) {
      volumes[spec] = {};
      continue;
    }
    if (parts.length > 3) throw new Error(`invalid spec: ${spec}: too many colons`);
    const host = parts[0]!;
    binds.push(host.startsWith('.') ? [resolve(host), ...parts.slice(1)].join(':') : spec);
  }
  return { binds: binds.length ? binds : null, volumes };
}

/** net.ParseMAC's forms: 6, 8 or 20 octets with ':' or '-', or dotted groups of four hex digits. */
function isMac(s: string): boolean {
  const mac = s.trim();
  return /^([0-9a-fA-F]{2})([:-][0-9a-fA-F]{2}){5}$/.test(mac) || /^([0-9a-fA-F]{2})([:-][0-9a-fA-F]{2}){7}$/.test(mac) ||
    /^([0-9a-fA-F]{2})([:-][0-9a-fA-F]{2}){19}$/.test(mac) || /^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4}){2,9}$/.test(mac);
}

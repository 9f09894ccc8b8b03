// berth info: the daemon's /info, printed in the order and wording of `docker info`.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { InfoResponse } from '../../client/types.ts';
import { ENGINE_VERSION } from '../../lib/build-info.ts';
import { alignColumns } from '../aligned.ts';
import { bytesSize } from '../format/units.ts';

export function registerInfoCommand(parent: Command, getEnv: () => CliEnv): void {
  parent
    .command('info')
    .description('Display system-wide information')
    .option('-f, --format <string>', "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template")
    .action((flags: { format?: string }) => showInfo(getEnv(), flags.format));
}

async function showInfo(env: CliEnv, format: string | undefined): Promise<void> {
  let server: InfoResponse | undefined;
  let serverError: Error | undefined;
  try {
    server = await env.client().system.info();
  } catch (err) {
    serverError = err as Error;
  }
  const client = { Version: ENGINE_VERSION, Context: env.endpoint.contextName, Debug: env.debug };
  if (format) {
    const { printTemplate } = await import('../output.ts');
    printTemplate(env.text, format, format === 'json' ? { ...server, ClientInfo: client } : { ...server, ClientInfo: client, ServerErrors: serverError ? [serverError.message] : undefined });
    if (serverError) throw serverError;
    return;
  }
  env.text.write(`Client:\n${alignColumns(` Version:\t${client.Version}\n Context:\t${client.Context}\n Debug Mode:\t${client.Debug}\n`, { minWidth: 0, padding: 1 })}`);
  if (serverError) {
    env.text.write('\nServer:\n');
    throw serverError;
  }
  env.text.write(`\nServer:\n${serverLines(server!)}`);
  for (const w of server!.Warnings ?? []) env.err.write(`${w}\n`);
}

function serverLines(i: InfoResponse): string {
  const g = i as Record<string, any>; // the API's loosely typed JSON, read field by field
  const lines: string[] = [
    ` Containers: ${i.Containers}`, `  Running: ${i.ContainersRunning}`, `  Paused: ${i.ContainersPaused}`, `  Stopped: ${i.ContainersStopped}`,
    ` Images: ${i.Images}`, ` Server Version: ${i.ServerVersion}`, ` Storage Driver: ${i.Driver}`,
    ...((g.DriverStatus ?? []) as [string, string][]).map(([k, v]) => `  ${k}: ${v}`),
    ` Logging Driver: ${g.LoggingDriver}`, ` Cgroup Driver: ${g.CgroupDriver}`, ` Cgroup Version: ${g.CgroupVersion}`,
    ' Plugins:',
    `  Volume: ${(g.Plugins?.Volume ?? []).join(' ')}`, `  Network: ${(g.Plugins?.Network ?? []).join(' ')}`, `  Log: ${(g.Plugins?.Log ?? []).join(' ')}`,
    ` Swarm: ${g.Swarm?.LocalNodeState ?? 'inactive'}`,
    ` Runtimes: ${Object.keys(g.Runtimes ?? {}).sort().join(' ')}`, ` Default Runtime: ${g.DefaultRuntime}`,
    ` Init Binary: ${g.InitBinary}`, ` runc version: ${g.RuncCommit?.ID ?? ''}`, ` init version: ${g.InitCommit?.ID ?? ''}`,
    ' Security Options:', ...securityLines(g.SecurityOptions ?? []),
    ` Kernel Version: ${g.KernelVersion}`, ` Operating System: ${g.OperatingSystem}`, ` OSType: ${g.OSType}`,
    ` Architecture: ${g.Architecture}`, ` CPUs: ${g.NCPU}`, ` Total Memory: ${bytesSize(g.MemTotal ?? 0)}`,
    ` Name: ${g.Name}`, ` ID: ${i.ID}`, ` Docker Root Dir: ${g.DockerRootDir}`, ` Debug Mode: ${g.Debug}`,
  ];
  if (g.Debug) lines.push(`  File Descriptors: ${g.NFd}`, `  Goroutines: ${g.NGoroutines}`, `  System Time: ${g.SystemTime}`, `  EventsListeners: ${g.NEventsListener}`);
  for (const [label, key] of [['HTTP Proxy', 'HttpProxy'], ['HTTPS Proxy', 'HttpsProxy'], ['No Proxy', 'NoProxy']] as const) {
    if (g[key]) lines.push(` ${label}: ${g[key]}`);
  }
  lines.push(` Experimental: ${g.ExperimentalBuild}`);
  const reg = g.RegistryConfig ?? {};
  const insecure = [...Object.values<{ Name: string; Secure: boolean }>(reg.IndexConfigs ?? {}).filter((c) => !c.Secure).map((c) => c.Name), ...(reg.InsecureRegistryCIDRs ?? [])];
  if (insecure.length) lines.push(' Insecure Registries:', ...insecure.map((r: string) => `  ${r}`));
  if (reg.Mirrors?.length) lines.push(' Registry Mirrors:', ...reg.Mirrors.map((m: string) => `  ${m}`));
  lines.push(` Live Restore Enabled: ${g.LiveRestoreEnabled}`);
  return lines.join('\n') + '\n\n';
}

function securityLines(opts: string[]): string[] {
  const out: string[] = [];
  for (const opt of opts) {
    const fields = Object.fromEntries(opt.split(',').map((kv) => kv.split('=') as [string, string]));
    out.push(`  ${fields.name ?? opt}`);
    for (const [k, v] of Object.entries(fields)) if (k !== 'name') out.push(`   ${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`);
  }
  return out;
}

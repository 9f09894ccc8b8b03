// berth update: new resource limits and restart policy for existing containers, sent as
// docker's UpdateConfig (every Resources field, nulls where docker leaves a pointer unset).
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { BerthError } from '../../api/types/errors.ts';
import { invalidFlagValue, usageError } from './context-common.ts';
import { parseCpus, parseGoInt, ramInBytes } from '../container-opts/go-values.ts';
import { parseRestartPolicy } from '../container-opts/host-config.ts';

interface UpdateFlags {
  blkioWeight?: number; cpuPeriod?: number; cpuQuota?: number; cpuRtPeriod?: number; cpuRtRuntime?: number;
  cpusetCpus?: string; cpusetMems?: string; cpuShares?: number; memory?: number; memoryReservation?: number;
  memorySwap?: number; kernelMemory?: number; restart?: string; pidsLimit?: number; cpus?: number;
}

export function addUpdateCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('update')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Update configuration of one or more containers')
    .argument('[args...]');
  const value = (flags: string, help: string, parse: (v: string) => unknown, hidden = false) => {
    cmd.option(flags, help, (v: string) => {
      try {
        return parse(v);
      } catch (err) {
        const shown = flags.split(' <')[0]!;
        return invalidFlagValue(cmd, shown, v, (err as Error).message);
      }
    });
    if (hidden) cmd.options.at(-1)!.hideHelp();
  };
  const int = (v: string) => parseGoInt(v);
  value('--blkio-weight <uint16>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)', (v) => parseGoInt(v, 16, 'ParseUint'));
  value('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period', int);
  value('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota', int);
  value('--cpu-rt-period <int>', 'Limit the CPU real-time period in microseconds', int);
  value('--cpu-rt-runtime <int>', 'Limit the CPU real-time runtime in microseconds', int);
  value('-c, --cpu-shares <int>', 'CPU shares (relative weight)', int);
  value('--cpus <decimal>', 'Number of CPUs', parseCpus);
  value('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)', String);
  value('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)', String);
  value('--kernel-memory <bytes>', 'Kernel memory limit (deprecated)', ramInBytes, true);
  value('-m, --memory <bytes>', 'Memory limit', ramInBytes);
  value('--memory-reservation <bytes>', 'Memory soft limit', ramInBytes);
  value('--memory-swap <bytes>', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap', (v) => (v === '-1' ? -1 : ramInBytes(v)));
  value('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)', int);
  value('--restart <string>', 'Restart policy to apply when a container exits', String);
  cmd.action(async (args: string[], f: UpdateFlags) => {
    if (args.length < 1) usageError(cmd, 'requires at least 1 argument', 'See');
    if (Object.keys(f).length === 0) throw new Error('you must provide one or more flags when using this command');
    await update(getEnv(), args, f);
  });
}

/** UpdateConfig as docker's client marshals it: Resources inline, then RestartPolicy. */
export function updateBody(f: UpdateFlags): Record<string, unknown> {
  const restart = f.restart ? parseRestartPolicy(f.restart) : { Name: '', MaximumRetryCount: 0 };
  return {
    CpuShares: f.cpuShares ?? 0, Memory: f.memory ?? 0, NanoCpus: f.cpus ?? 0, CgroupParent: '', BlkioWeight: f.blkioWeight ?? 0,
    BlkioWeightDevice: null, BlkioDeviceReadBps: null, BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null,
    CpuPeriod: f.cpuPeriod ?? 0, CpuQuota: f.cpuQuota ?? 0, CpuRealtimePeriod: f.cpuRtPeriod ?? 0, CpuRealtimeRuntime: f.cpuRtRuntime ?? 0,
    CpusetCpus: f.cpusetCpus ?? '', CpusetMems: f.cpusetMems ?? '', Devices: null, DeviceCgroupRules: null, DeviceRequests: null,
    // KernelMemory is omitted when zero and dropped by the client from API 1.42 on.
    MemoryReservation: f.memoryReservation ?? 0, MemorySwap: f.memorySwap ?? 0, MemorySwappiness: null, OomKillDisable: null,
    PidsLimit: f.pidsLimit ? f.pidsLimit : null, Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
    RestartPolicy: restart,
  };
}

async function update(env: CliEnv, names: string[], f: UpdateFlags): Promise<void> {
  const body = updateBody(f);
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      const r = await env.client().containers.update(name, body);
      env.out.write(`${name}\n`);
      warnings.push(...(r?.Warnings ?? []));
    } catch (err) {
      errors.push(`${err instanceof BerthError ? 'Error response from daemon: ' : ''}${(err as Error).message}`);
    }
  }
  if (warnings.length) env.out.write(`${warnings.join('\n')}\n`);
  if (errors.length) throw new Error(errors.join('\n'));
}

// The flags `berth run` and `berth create` share (docker's addFlags), each value checked as it
// is read, in argument order as pflag does, so the first bad value is the one reported in
// docker's words: `invalid argument "v" for "-m, --memory" flag: <reason>` (exit 125).
import { Option, type Command } from 'commander';
import { HEALTH_ON_FAILURE_FLAG, HEALTH_ON_FAILURE_HELP, parseHealthOnFailure } from '../commands/health-on-failure.ts';
import { invalidFlagValue } from '../commands/context-common.ts';
import { parseCpus, parseGoDurationNs, parseGoInt, parseUlimit, ramInBytes, type Ulimit } from './go-values.ts';
import { acceptGoBools } from './go-bools.ts';
import { validateAttach, validateDeviceCgroupRule, validateEnv, validateExtraHost, validateIp, validateLabel, validateLink, validateSysctl } from './flag-validators.ts';
import { parseNetworkOpt, type NetworkAttachment } from './network-opts.ts';
import { parseMountOpt } from './mount-opt.ts';
import type { Mount } from '../../api/types/engine-api.ts';

type Parse = (value: string) => unknown;

const list = (validate: Parse = (v) => v) => ({ list: true, validate });
const scalar = (parse: Parse) => ({ list: false, validate: parse });

const swapBytes = (v: string) => (v === '-1' ? -1 : ramInBytes(v));
const ulimit = (v: string): Ulimit => parseUlimit(v);

/** [flags, help, kind]; a `list` collects every occurrence, a scalar keeps the last. */
const FLAGS: [string, string, { list: boolean; validate: Parse } | 'bool'][] = [
  ['--add-host <list>', 'Add a custom host-to-IP mapping (host:ip)', list(validateExtraHost)],
  ['--annotation <map>', 'Add an annotation to the container (passed through to the OCI runtime)', list()],
  ['-a, --attach <list>', 'Attach to STDIN, STDOUT or STDERR', list(validateAttach)],
  ['--blkio-weight <uint16>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)', scalar((v) => parseGoInt(v, 16, 'ParseUint'))],
  ['--cap-add <list>', 'Add Linux capabilities', list()],
  ['--cap-drop <list>', 'Drop Linux capabilities', list()],
  ['--cgroup-parent <string>', 'Optional parent cgroup for the container', scalar(String)],
  ['--cgroupns <string>', 'Cgroup namespace to use (host|private)', scalar(String)],
  ['--cidfile <string>', 'Write the container ID to the file', scalar(String)],
  ['--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period', scalar((v) => parseGoInt(v))],
  ['--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota', scalar((v) => parseGoInt(v))],
  ['--cpu-rt-period <int>', 'Limit CPU real-time period in microseconds', scalar((v) => parseGoInt(v))],
  ['--cpu-rt-runtime <int>', 'Limit CPU real-time runtime in microseconds', scalar((v) => parseGoInt(v))],
  ['-c, --cpu-shares <int>', 'CPU shares (relative weight)', scalar((v) => parseGoInt(v))],
  ['--cpus <decimal>', 'Number of CPUs', scalar(parseCpus)],
  ['--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)', scalar(String)],
  ['--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)', scalar(String)],
  ['--device <list>', 'Add a host device to the container', list()],
  ['--device-cgroup-rule <list>', 'Add a rule to the cgroup allowed devices list', list(validateDeviceCgroupRule)],
  ['--dns <list>', 'Set custom DNS servers', list(validateIp)],
  ['--dns-option <list>', 'Set DNS options', list()],
  ['--dns-search <list>', 'Set custom DNS search domains', list()],
  ['--domainname <string>', 'Container NIS domain name', scalar(String)],
  ['--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image', scalar(String)],
  ['-e, --env <list>', 'Set environment variables', list(validateEnv)],
  ['--env-file <list>', 'Read in a file of environment variables', list()],
  ['--expose <list>', 'Expose a port or a range of ports', list()],
  ['--group-add <list>', 'Add additional groups to join', list()],
  ['--health-cmd <string>', 'Command to run to check health', scalar(String)],
  [HEALTH_ON_FAILURE_FLAG, HEALTH_ON_FAILURE_HELP, scalar(parseHealthOnFailure)],
  ['--health-interval <duration>', 'Time between running the check (ms|s|m|h) (default 0s)', scalar(parseGoDurationNs)],
  ['--health-retries <int>', 'Consecutive failures needed to report unhealthy', scalar((v) => parseGoInt(v))],
  ['--health-start-interval <duration>', 'Time between running the check during the start period (ms|s|m|h) (default 0s)', scalar(parseGoDurationNs)],
  ['--health-start-period <duration>', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)', scalar(parseGoDurationNs)],
  ['--health-timeout <duration>', 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)', scalar(parseGoDurationNs)],
  ['-h, --hostname <string>', 'Container host name', scalar(String)],
  ['--init', 'Run an init inside the container that forwards signals and reaps processes', 'bool'],
  ['-i, --interactive', 'Keep STDIN open even if not attached', 'bool'],
  ['--ip <string>', 'IPv4 address (e.g., 172.30.100.104)', scalar(String)],
  ['--ip6 <string>', 'IPv6 address (e.g., 2001:db8::33)', scalar(String)],
  ['--ipc <string>', 'IPC mode to use', scalar(String)],
  ['--isolation <string>', 'Container isolation technology', scalar(String)],
  ['-l, --label <list>', 'Set meta data on a container', list(validateLabel)],
  ['--label-file <list>', 'Read in a line delimited file of labels', list()],
  ['--link <list>', 'Add link to another container', list(validateLink)],
  ['--link-local-ip <list>', 'Container IPv4/IPv6 link-local addresses', list()],
  ['--log-driver <string>', 'Logging driver for the container', scalar(String)],
  ['--log-opt <list>', 'Log driver options', list()],
  ['--mac-address <string>', 'Container MAC address (e.g., 92:d0:c6:0a:29:33)', scalar(String)],
  ['-m, --memory <bytes>', 'Memory limit', scalar(ramInBytes)],
  ['--memory-reservation <bytes>', 'Memory soft limit', scalar(ramInBytes)],
  ['--memory-swap <bytes>', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", scalar(swapBytes)],
  ['--memory-swappiness <int>', 'Tune container memory swappiness (0 to 100) (default -1)', scalar((v) => parseGoInt(v))],
  ['--mount <mount>', 'Attach a filesystem mount to the container', list(parseMountOpt)],
  ['--network <network>', 'Connect a container to a network', list(parseNetworkOpt)],
  ['--network-alias <list>', 'Add network-scoped alias for the container', list()],
  ['--no-healthcheck', 'Disable any container-specified HEALTHCHECK', 'bool'],
  ['--oom-kill-disable', 'Disable OOM Killer', 'bool'],
  ['--oom-score-adj <int>', "Tune host's OOM preferences (-1000 to 1000)", scalar((v) => parseGoInt(v))],
  ['--pid <string>', 'PID namespace to use', scalar(String)],
  ['--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)', scalar((v) => parseGoInt(v))],
  ['--platform <string>', 'Set platform if server is multi-platform capable', scalar(String)],
  ['--privileged', 'Give extended privileges to this container', 'bool'],
  ['-p, --publish <list>', "Publish a container's port(s) to the host", list()],
  ['-P, --publish-all', 'Publish all exposed ports to random ports', 'bool'],
  ['--pull <string>', 'Pull image before running ("always", "missing", "never") (default "missing")', scalar(String)],
  ['-q, --quiet', 'Suppress the pull output', 'bool'],
  ['--read-only', "Mount the container's root filesystem as read only", 'bool'],
  ['--restart <string>', 'Restart policy to apply when a container exits (default "no")', scalar(String)],
  ['--rm', 'Automatically remove the container and its associated anonymous volumes when it exits', 'bool'],
  ['--runtime <string>', 'Runtime to use for this container', scalar(String)],
  ['--security-opt <list>', 'Security Options', list()],
  ['--shm-size <bytes>', 'Size of /dev/shm', scalar(ramInBytes)],
  ['--stop-signal <string>', 'Signal to stop the container', scalar(String)],
  ['--stop-timeout <int>', 'Timeout (in seconds) to stop a container', scalar((v) => parseGoInt(v))],
  ['--storage-opt <list>', 'Storage driver options for the container', list()],
  ['--sysctl <map>', 'Sysctl options', list(validateSysctl)],
  ['--tmpfs <list>', 'Mount a tmpfs directory', list()],
  ['-t, --tty', 'Allocate a pseudo-TTY', 'bool'],
  ['--ulimit <ulimit>', 'Ulimit options', { list: true, validate: ulimit }],
  ['-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])', scalar(String)],
  ['--userns <string>', 'User namespace to use', scalar(String)],
  ['--uts <string>', 'UTS namespace to use', scalar(String)],
  ['-v, --volume <list>', 'Bind mount a volume', list()],
  ['--volume-driver <string>', 'Optional volume driver for the container', scalar(String)],
  ['--volumes-from <list>', 'Mount volumes from the specified container(s)', list()],
  ['-w, --workdir <string>', 'Working directory inside the container', scalar(String)],
];

/** docker's hidden spellings of the same flags. */
const ALIASES: [string, string][] = [['--net <network>', 'network'], ['--net-alias <list>', 'networkAlias'], ['--dns-opt <list>', 'dnsOption']];

/** docker's flag name in messages: "-m, --memory" or "--cpus". */
function displayName(opt: Option): string {
  return opt.short ? `${opt.short}, ${opt.long}` : opt.long!;
}

export function addContainerFlags(cmd: Command): void {
  cmd.helpOption('--help', 'Print usage');
  const add = (flags: string, help: string, kind: (typeof FLAGS)[number][2], attribute?: string) => {
    const opt = new Option(flags, help);
    if (attribute) {
      opt.attributeName = () => attribute;
      opt.hideHelp();
    }
    if (kind !== 'bool') {
      const name = attribute ? FLAGS.find(([f]) => new Option(f).attributeName() === attribute)![0] : flags;
      const shown = displayName(new Option(name));
      opt.argParser((value: string, previous: unknown) => {
        let parsed: unknown;
        try {
          parsed = kind.validate(value);
        } catch (err) {
          invalidFlagValue(cmd, shown, value, (err as Error).message);
        }
        return kind.list ? [...((previous as unknown[] | undefined) ?? []), parsed] : parsed;
      });
    }
    cmd.addOption(opt);
  };
  for (const [flags, help, kind] of FLAGS) add(flags, help, kind);
  for (const [flags, attribute] of ALIASES) add(flags, '', FLAGS.find(([f]) => new Option(f).attributeName() === attribute)![2], attribute);
  acceptGoBools(cmd);
}

/** The parsed values, keyed as commander names them. */
export interface ContainerFlags {
  addHost?: string[]; annotation?: string[]; attach?: string[]; blkioWeight?: number; capAdd?: string[]; capDrop?: string[];
  cgroupParent?: string; cgroupns?: string; cidfile?: string; cpuPeriod?: number; cpuQuota?: number; cpuRtPeriod?: number;
  cpuRtRuntime?: number; cpuShares?: number; cpus?: number; cpusetCpus?: string; cpusetMems?: string; device?: string[];
  deviceCgroupRule?: string[]; dns?: string[]; dnsOption?: string[]; dnsSearch?: string[]; domainname?: string;
  entrypoint?: string; env?: string[]; envFile?: string[]; expose?: string[]; groupAdd?: string[]; healthCmd?: string;
  healthOnFailure?: string;
  healthInterval?: number; healthRetries?: number; healthStartInterval?: number; healthStartPeriod?: number;
  healthTimeout?: number; hostname?: string; init?: boolean; interactive?: boolean; ip?: string; ip6?: string; ipc?: string;
  isolation?: string; label?: string[]; labelFile?: string[]; link?: string[]; linkLocalIp?: string[]; logDriver?: string; logOpt?: string[];
  macAddress?: string; memory?: number; mount?: Mount[]; memoryReservation?: number; memorySwap?: number; memorySwappiness?: number;
  network?: NetworkAttachment[]; networkAlias?: string[]; healthcheck?: boolean; oomKillDisable?: boolean; oomScoreAdj?: number;
  pid?: string; pidsLimit?: number; platform?: string; privileged?: boolean; publish?: string[]; publishAll?: boolean;
  pull?: string; quiet?: boolean; readOnly?: boolean; restart?: string; rm?: boolean; runtime?: string;
  securityOpt?: string[]; shmSize?: number; stopSignal?: string; stopTimeout?: number; storageOpt?: string[];
  sysctl?: string[]; tmpfs?: string[]; tty?: boolean; ulimit?: Ulimit[]; user?: string; userns?: string; uts?: string;
  volume?: string[]; volumeDriver?: string; volumesFrom?: string[]; workdir?: string;
}

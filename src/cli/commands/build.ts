// `berth build` (also `berth image build` and `berth builder build`): the docker CLI's classic
// builder command, its flags checked as pflag reads them (docker's words, exit 125), then the
// context prepared, uploaded and the daemon's output shown (build-run.ts).
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { invalidFlagValue, usageError } from './context-common.ts';
import { acceptGoBools, pflagErrors } from '../container-opts/go-bools.ts';
import { validateEnv, validateExtraHost, validateLabel } from '../container-opts/flag-validators.ts';
import { parseGoInt, parseUlimit, ramInBytes } from '../container-opts/go-values.ts';
import { parseNamed } from './image-common.ts';
import { runBuild, type BuildFlags } from './build-run.ts';

type Parse = (value: string) => unknown;
type Kind = { list: boolean; parse: Parse } | 'bool';

const list = (parse: Parse = (v) => v): Kind => ({ list: true, parse });
const scalar = (parse: Parse = String): Kind => ({ list: false, parse });
/** pflag's StringSlice: each value is itself a comma-separated list. */
const slice: Kind = { list: true, parse: (v) => v.split(',') };
const int = scalar((v) => parseGoInt(v));
const bytes = scalar(ramInBytes);

/** reference.ParseNormalizedNamed, with its words for a name in capitals (which name the repository). */
function validateTag(raw: string): string {
  try {
    parseNamed(raw);
  } catch (err) {
    if (!/must be lowercase/.test((err as Error).message)) throw err;
    throw new Error(`invalid reference format: repository name (${remoteName(raw)}) must be lowercase`);
  }
  return raw;
}

/** splitDockerDomain's remainder (library/ added on Docker Hub), without the tag. */
function remoteName(raw: string): string {
  const slash = raw.indexOf('/');
  const first = slash === -1 ? '' : raw.slice(0, slash);
  const hub = slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first);
  let rest = hub ? raw : raw.slice(slash + 1);
  if (hub && !rest.includes('/')) rest = `library/${rest}`;
  const colon = rest.indexOf(':');
  return colon === -1 ? rest : rest.slice(0, colon);
}

/** [flags, help, kind], as `docker build --help` lists them (plus --progress, accepted). */
const FLAGS: [string, string, Kind][] = [
  ['--add-host <list>', 'Add a custom host-to-IP mapping ("host:ip")', list(validateExtraHost)],
  ['--build-arg <list>', 'Set build-time variables', list(validateEnv)],
  ['--cache-from <strings>', 'Images to consider as cache sources', slice],
  ['--cgroup-parent <string>', 'Set the parent cgroup for the "RUN" instructions during build', scalar()],
  ['--compress', 'Compress the build context using gzip', 'bool'],
  ['--cpu-period <int>', 'Limit the CPU CFS (Completely Fair Scheduler) period', int],
  ['--cpu-quota <int>', 'Limit the CPU CFS (Completely Fair Scheduler) quota', int],
  ['-c, --cpu-shares <int>', 'CPU shares (relative weight)', int],
  ['--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)', scalar()],
  ['--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)', scalar()],
  ['--disable-content-trust', 'Skip image verification (default true)', 'bool'],
  ['-f, --file <string>', 'Name of the Dockerfile (Default is "PATH/Dockerfile")', scalar()],
  ['--force-rm', 'Always remove intermediate containers', 'bool'],
  ['--iidfile <string>', 'Write the image ID to the file', scalar()],
  ['--isolation <string>', 'Container isolation technology', scalar()],
  ['--label <list>', 'Set metadata for an image', list(validateLabel)],
  ['-m, --memory <bytes>', 'Memory limit', bytes],
  ['--memory-swap <bytes>', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap', scalar((v) => (v === '-1' ? -1 : ramInBytes(v)))],
  ['--network <string>', 'Set the networking mode for the RUN instructions during build (default "default")', scalar()],
  ['--no-cache', 'Do not use cache when building the image', 'bool'],
  ['--platform <string>', 'Set platform if server is multi-platform capable', scalar()],
  ['--progress <string>', 'Accepted for compatibility with buildx; berth prints the classic builder\'s output', scalar()],
  ['--pull', 'Always attempt to pull a newer version of the image', 'bool'],
  ['-q, --quiet', 'Suppress the build output and print image ID on success', 'bool'],
  ['--rm', 'Remove intermediate containers after a successful build (default true)', 'bool'],
  ['--security-opt <strings>', 'Security options', slice],
  ['--shm-size <bytes>', 'Size of "/dev/shm"', bytes],
  ['--squash', 'Squash newly built layers into a single new layer', 'bool'],
  ['-t, --tag <list>', 'Name and optionally a tag in the "name:tag" format', list(validateTag)],
  ['--target <string>', 'Set the target build stage to build.', scalar()],
  ['--ulimit <ulimit>', 'Ulimit options (default [])', list(parseUlimit)],
];

export function addBuildCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('build')
    .usage('[OPTIONS] PATH | URL | -')
    .description('Build an image from a Dockerfile')
    .argument('[args...]')
    .helpOption('--help', 'Print usage')
    .action(async (args: string[], flags: BuildFlags) => {
      if (args.length !== 1) usageError(cmd, 'requires 1 argument');
      // An experimental flag, refused by the docker CLI (even as --squash=false) unless the daemon
      // runs in experimental mode, which berthd has none of.
      if (cmd.getOptionValueSource('squash') === 'cli') throw new Error('"--squash" is only supported on a Docker daemon with experimental features enabled');
      await runBuild(getEnv(), args[0]!, { ...flags, rm: flags.rm ?? true });
    });
  for (const [spec, help, kind] of FLAGS) {
    const opt = new Option(spec, help);
    // `--no-cache` is docker's flag of its own, not commander's negation of a `--cache`: as a
    // plain boolean it also takes pflag's `--no-cache=false` (acceptGoBools).
    opt.negate = false;
    if (kind !== 'bool') {
      const shown = opt.short ? `${opt.short}, ${opt.long}` : opt.long!;
      opt.argParser((value: string, previous: unknown) => {
        let parsed: unknown;
        try {
          parsed = kind.parse(value);
        } catch (err) {
          invalidFlagValue(cmd, shown, value, (err as Error).message);
        }
        if (!kind.list) return parsed;
        return [...((previous as unknown[] | undefined) ?? []), ...(Array.isArray(parsed) ? parsed : [parsed])];
      });
    }
    cmd.addOption(opt);
  }
  acceptGoBools(cmd);
  pflagErrors(cmd);
}

// What a command's operands and flag values are, for completion: the kinds of names docker's
// completion offers in each place (running containers for `stop`, every container for `rm`,
// images for `rmi`...). Keyed by the command's path under `berth`; the `container` and `image`
// groups share the entries of their top-level twins.

/** Where the names of a position come from. */
export type NameSource =
  | 'containers' | 'running' | 'stopped' | 'paused' | 'images' | 'networks' | 'volumes' | 'contexts'
  /** Names from the file system (the shell completes them), or directories only. */
  | 'files' | 'dirs'
  /** Nothing to complete (a new name, a command in the container). */
  | 'none';

export interface ArgSpec {
  /** The source of each operand, by position. */
  positions?: NameSource[];
  /** The source of the operands after those. */
  rest?: NameSource;
}

const each = (rest: NameSource): ArgSpec => ({ rest });
const first = (...positions: NameSource[]): ArgSpec => ({ positions, rest: 'none' });

/** Commands that also live under `berth container` (as `container stop`...). */
const CONTAINER: Record<string, ArgSpec> = {
  attach: first('running'), commit: first('containers'), cp: each('files'), create: first('images'),
  diff: first('containers'), exec: first('running'), export: first('containers'), inspect: each('containers'),
  kill: each('running'), logs: first('containers'), ls: each('none'), pause: each('running'), port: first('containers'),
  prune: each('none'), rename: first('containers'), restart: each('containers'), rm: each('containers'),
  run: first('images'), start: each('stopped'), stats: each('running'), stop: each('running'), top: first('running'),
  unpause: each('paused'), update: each('containers'), wait: each('containers'),
};

/** Commands that also live under `berth image` (`rmi` is `image rm`, `images` is `image ls`). */
const IMAGE: Record<string, ArgSpec> = {
  build: each('files'), history: first('images'), import: first('files'), inspect: each('images'), load: each('none'),
  ls: first('images'), prune: each('none'), pull: first('images'), push: first('images'), rm: each('images'),
  save: each('images'), tag: first('images'),
};

const SPECS: Record<string, ArgSpec> = {
  // At the top level `rm` and `inspect` are the container ones (`rmi`, `images` the image ones).
  ...IMAGE,
  ...CONTAINER,
  ...prefixed('container', CONTAINER),
  ...prefixed('image', IMAGE),
  images: IMAGE.ls, rmi: IMAGE.rm, ps: each('none'),
  // `berth inspect` takes any kind of object; containers and images are what users name most.
  inspect: { rest: 'containers' },
  'network connect': first('networks', 'containers'), 'network disconnect': first('networks', 'containers'),
  'network inspect': each('networks'), 'network rm': each('networks'), 'network create': each('none'),
  'volume inspect': each('volumes'), 'volume rm': each('volumes'), 'volume create': each('none'),
  'context use': first('contexts'), 'context rm': each('contexts'), 'context inspect': each('contexts'),
  'context update': first('contexts'), 'context export': first('contexts', 'files'), 'context import': first('none', 'files'),
  'context create': each('none'), 'context show': each('none'),
  'builder build': each('files'), 'image build': each('files'),
};

function prefixed(group: string, specs: Record<string, ArgSpec>): Record<string, ArgSpec> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [`${group} ${name}`, spec]));
}

/** The source of operand number `index` (0-based) of the command at `path` ("container stop"). */
export function operandSource(path: string, index: number): NameSource {
  const spec = SPECS[path];
  if (!spec) return 'files'; // a command not described here: let the shell offer file names
  return spec.positions?.[index] ?? spec.rest ?? 'none';
}

/** Flag values that are names, by the flag's long name, whatever the command. */
const FLAG_VALUES: Record<string, NameSource | readonly string[]> = {
  '--context': 'contexts',
  '--network': 'networks', '--net': 'networks',
  '--volumes-from': 'containers', '--link': 'running',
  '--restart': ['no', 'always', 'on-failure', 'unless-stopped'],
  '--pull': ['always', 'missing', 'never'],
  // berthd's log drivers (LOG_DRIVERS of daemon/containers/log-config.ts; a test keeps them equal).
  '--log-driver': ['json-file', 'local', 'none'],
  '--config': 'dirs', '--env-file': 'files', '--label-file': 'files', '--cidfile': 'files', '--file': 'files',
  '--output': 'files', '--input': 'files', '--tlscacert': 'files', '--tlscert': 'files', '--tlskey': 'files',
  '--iidfile': 'files',
};

/** The names a flag's value is one of, or fixed words; file names (as docker) when not described here. */
export function flagValueSource(long: string | undefined): NameSource | readonly string[] {
  return (long && FLAG_VALUES[long]) || 'files';
}

// docker cp's stat of a container path, as it travels in the X-Docker-Container-Path-Stat
// header (base64 of JSON). `mode` is Go's os.FileMode, not st_mode: the type is in the high
// bits (a directory is 1<<31), which is what the docker CLI tests.

export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  /** RFC 3339 with nanoseconds, as Go writes a time.Time. */
  mtime: string;
  /** For a symlink: where it leads, resolved inside the container; "" otherwise. */
  linkTarget: string;
}

export const GO_MODE = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
} as const;

const S_IFMT = 0o170000;

/** Go's os.FileMode for a Linux st_mode (os.fillFileStatFromSys). */
export function goFileMode(stMode: number): number {
  let m = stMode & 0o777;
  switch (stMode & S_IFMT) {
    case 0o060000: m += GO_MODE.device; break;
    case 0o020000: m += GO_MODE.device + GO_MODE.charDevice; break;
    case 0o040000: m += GO_MODE.dir; break;
    case 0o010000: m += GO_MODE.namedPipe; break;
    case 0o120000: m += GO_MODE.symlink; break;
    case 0o140000: m += GO_MODE.socket; break;
  }
  if (stMode & 0o4000) m += GO_MODE.setuid;
  if (stMode & 0o2000) m += GO_MODE.setgid;
  if (stMode & 0o1000) m += GO_MODE.sticky;
  return m;
}

/** Whether a Go mode has a type bit (the modes pass 2^31, beyond JS's 32-bit bit operators). */
export function hasGoMode(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}

/** docker's ValidateOutputPathFileMode: why a path cannot be copied to, or undefined. */
export function outputModeProblem(mode: number): string | undefined {
  if (hasGoMode(mode, GO_MODE.device)) return 'got a device';
  if (hasGoMode(mode, 2 ** 19)) return 'got an irregular file';
  return undefined;
}

/** Go's time.Time JSON: RFC 3339, the fraction without trailing zeros (none when whole). */
export function goTime(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

export function encodePathStat(stat: PathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

export function decodePathStat(header: string | undefined): PathStat {
  if (!header) throw new Error('unable to decode container path stat header: EOF');
  return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat;
}

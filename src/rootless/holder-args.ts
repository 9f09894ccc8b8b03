// rootlesskit's command line for berth's namespace holder. One place, so the networking side
// (15b) and the setup tool (15c) see what the holder is made with:
//   rootlesskit --state-dir=<dir> --net=slirp4netns --mtu=65520 --disable-host-loopback
//     --slirp4netns-sandbox=auto --slirp4netns-seccomp=auto --port-driver=builtin
//     --copy-up=/etc --copy-up=/run  sleep infinity
// - --copy-up=/etc and /run: a tmpfs of the namespace's own over each, with links to the host's
//   entries, so berthd may write /run/netns, /run/berth-* and the namespace's /etc/resolv.conf
//   (rootlesskit points it at slirp's DNS) while the host's stay untouched;
// - --disable-host-loopback: a container cannot reach the host's 127.0.0.1 through slirp's
//   10.0.2.2 (dockerd-rootless's default too);
// - the child runs `sleep infinity`: the holder's only job is to keep the namespaces alive.
// Each choice can be changed by the user's environment, as dockerd-rootless.sh allows:
//   BERTHD_ROOTLESS_NET (slirp4netns | host), BERTHD_ROOTLESS_MTU, BERTHD_ROOTLESS_PORT_DRIVER
//   (builtin | slirp4netns | none), BERTHD_ROOTLESS_DISABLE_HOST_LOOPBACK (true | false),
//   BERTHD_ROOTLESS_ROOTLESSKIT_FLAGS (more flags, split on spaces).
type Env = Readonly<Record<string, string | undefined>>;

export const HOLDER_COMMAND = ['sleep', 'infinity'];

export interface HolderNet {
  net: string;
  portDriver: string;
}

export function holderNet(env: Env = process.env): HolderNet {
  const net = env.BERTHD_ROOTLESS_NET || 'slirp4netns';
  // With the host's network there is nothing to forward ports into.
  return { net, portDriver: net === 'host' ? 'none' : env.BERTHD_ROOTLESS_PORT_DRIVER || 'builtin' };
}

export function holderArgs(stateDir: string, env: Env = process.env): string[] {
  const { net, portDriver } = holderNet(env);
  const args = [`--state-dir=${stateDir}`, `--net=${net}`, '--copy-up=/etc', '--copy-up=/run'];
  if (net !== 'host') {
    args.push(`--mtu=${env.BERTHD_ROOTLESS_MTU || '65520'}`, `--port-driver=${portDriver}`);
    if ((env.BERTHD_ROOTLESS_DISABLE_HOST_LOOPBACK ?? 'true') !== 'false') args.push('--disable-host-loopback');
  }
  if (net === 'slirp4netns') args.push('--slirp4netns-sandbox=auto', '--slirp4netns-seccomp=auto');
  const extra = (env.BERTHD_ROOTLESS_ROOTLESSKIT_FLAGS ?? '').split(' ').filter(Boolean);
  return [...args, ...extra, ...HOLDER_COMMAND];
}

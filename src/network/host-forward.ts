// The host's own firewall may drop what berth's table accepts. A packet must pass every base
// chain on a hook, whichever table holds it: when the iptables filter table's FORWARD chain has
// policy DROP (dockerd sets it on any machine it has run on; some hardening guides do too),
// traffic from a container to the outside and to published ports is dropped there, after our
// table let it through (and with br_netfilter, as on this project's CI kernel, even traffic
// between two containers of one bridge passes FORWARD). So when that policy is DROP, berth inserts two narrow rules per bridge
// at the head of FORWARD, each tagged with the comment `berth:<table>:<bridge>`:
//   -i <bridge> -j ACCEPT                                       containers' own traffic out
//   -o <bridge> -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT   replies, published ports
// Internal networks and isolation stay enforced: berth's table drops those before (and whatever
// iptables accepts). New connections routed straight to a container's address stay dropped, as
// the host asked. The rules are found again by their comment, so removal needs no state.
// `iptables` is whichever variant the host chose (nft or legacy, by Debian's alternatives): the
// one dockerd and the admin use. A pure nftables firewall with its own drop policy is not
// touched: berth cannot know what it means to let through.
import type { Logger } from '../lib/logger.ts';
import { mustRun } from './run-tool.ts';

/** A `-S` line as arguments (iptables-nft quotes a comment; berth's have no spaces) and its comment. */
function parse(line: string): { args: string[]; comment: string | undefined } {
  const args = line.split(' ').map((a) => a.replace(/^"(.*)"$/, '$1'));
  const at = args.indexOf('--comment');
  return { args, comment: at < 0 ? undefined : args[at + 1] };
}

const tools = (ipv6: boolean) => (ipv6 ? ['iptables', 'ip6tables'] : ['iptables']);

export class HostForward {
  readonly #tag: string;
  readonly #logger: Logger | undefined;

  constructor(o: { table: string; logger?: Logger }) {
    this.#tag = `berth:${o.table}:`;
    this.#logger = o.logger;
  }

  /** Lets a bridge's traffic through FORWARD when its policy is DROP; idempotent. */
  async allow(bridge: string, ipv6: boolean): Promise<void> {
    const tag = this.#tag + bridge;
    for (const tool of tools(ipv6)) {
      const lines = await this.#rules(tool);
      if (!lines || !lines.includes('-P FORWARD DROP')) continue;
      if (lines.some((l) => parse(l).comment === tag)) continue;
      const c = ['-m', 'comment', '--comment', tag, '-j', 'ACCEPT'];
      await mustRun(tool, ['-w', '-I', 'FORWARD', '-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED,DNAT', ...c]);
      await mustRun(tool, ['-w', '-I', 'FORWARD', '-i', bridge, ...c]);
      this.#logger?.info('the host FORWARD policy is DROP: accepting a berth bridge\'s traffic there', { tool, bridge });
    }
  }

  /** Removes the rules of one bridge, or of every bridge of this table. */
  async revoke(bridge?: string): Promise<void> {
    const tag = this.#tag + (bridge ?? '');
    for (const tool of tools(true)) {
      for (const line of (await this.#rules(tool)) ?? []) {
        const { args, comment } = parse(line);
        if (args[0] !== '-A' || !(bridge ? comment === tag : comment?.startsWith(tag))) continue;
        await mustRun(tool, ['-w', '-D', ...args.slice(1)]);
      }
    }
  }

  /** `-S FORWARD` lines, or undefined when the tool is not installed or cannot list (a kernel
   *  without its tables): the host's firewall is then none berth can see, and networks go on. */
  async #rules(tool: string): Promise<string[] | undefined> {
    try {
      return (await mustRun(tool, ['-w', '-S', 'FORWARD'])).split('\n');
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') this.#logger?.warn('cannot read the host\'s FORWARD chain', { tool, error: (err as Error).message });
      return undefined;
    }
  }
}

// The bridge driver's options a network create may set, checked as dockerd's bridge driver
// parses them (its texts, as 400s: dockerd answers 500 for these client mistakes). Without the
// check an MTU the kernel refuses failed the create with a 500 from `ip link add`, and an
// unparsable boolean was stored and read as something else.
import { isIP } from 'node:net';
import { invalidParameter } from '../../api/types/errors.ts';

const MTU = 'com.docker.network.driver.mtu';
const BOOLS = ['com.docker.network.bridge.enable_icc', 'com.docker.network.bridge.enable_ip_masquerade', 'com.docker.network.bridge.default_bridge'];
const HOST_BINDING = 'com.docker.network.bridge.host_binding_ipv4';
/** Go's strconv.ParseBool. */
const GO_BOOLS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];
/** What `ip link add ... type bridge mtu N` takes: IPv4's minimum up to the bridge's maximum. */
const MTU_RANGE = [68, 65535];

const parseError = (label: string, value: string, why: string) => invalidParameter(`failed to parse ${label} value: ${value} (${why})`);

export function checkDriverOptions(options: Readonly<Record<string, string>>): void {
  const mtu = options[MTU];
  if (mtu !== undefined) {
    if (!/^[+-]?\d+$/.test(mtu)) throw parseError(MTU, mtu, `strconv.Atoi: parsing ${JSON.stringify(mtu)}: invalid syntax`);
    const n = Number(mtu);
    // 0 is "the default" to dockerd.
    if (n !== 0 && (n < MTU_RANGE[0]! || n > MTU_RANGE[1]!)) throw invalidParameter(`invalid MTU number: ${mtu}`);
  }
  for (const label of BOOLS) {
    const v = options[label];
    if (v !== undefined && !GO_BOOLS.includes(v)) throw parseError(label, v, `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  const host = options[HOST_BINDING];
  if (host !== undefined && isIP(host) === 0) throw parseError(HOST_BINDING, host, 'nil ip');
}

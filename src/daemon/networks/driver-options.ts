// The bridge driver's options a network create may set, checked as dockerd's bridge driver
// parses them (its texts, as 400s: dockerd answers 500 for these client mistakes). Without the
// check an MTU the kernel refuses failed the create with a 500 from `ip link add`, and an
// unparsable boolean was stored and read as something else. The booleans are read as dockerd
// reads them too (strconv.ParseBool): `enable_icc=0` or `=F` turn ICC off, where a reading of
// "anything but 'false'" left it on.
import { isIP } from 'node:net';
import { invalidParameter } from '../../api/types/errors.ts';
import { parseBool } from '../../lib/go-units.ts';

const MTU = 'com.docker.network.driver.mtu';
export const ENABLE_ICC = 'com.docker.network.bridge.enable_icc';
export const ENABLE_IP_MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade';
export const DEFAULT_BRIDGE = 'com.docker.network.bridge.default_bridge';
const BOOLS = [ENABLE_ICC, ENABLE_IP_MASQUERADE, DEFAULT_BRIDGE];
const HOST_BINDING = 'com.docker.network.bridge.host_binding_ipv4';
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
  for (const label of BOOLS) boolOption(options, label, false);
  const host = options[HOST_BINDING];
  if (host !== undefined && isIP(host) === 0) throw parseError(HOST_BINDING, host, 'nil ip');
}

/** A boolean option as dockerd's bridge driver reads it: absent → `fallback`; else Go's
 * strconv.ParseBool, and anything it refuses is a 400 with dockerd's text. */
export function boolOption(options: Readonly<Record<string, string>>, label: string, fallback: boolean): boolean {
  const v = options[label];
  if (v === undefined) return fallback;
  try {
    return parseBool(v);
  } catch (err) {
    throw parseError(label, v, (err as Error).message);
  }
}

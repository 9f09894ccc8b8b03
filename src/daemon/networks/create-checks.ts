// A create's networking fields checked before anything is made: published ports (port-plan.ts)
// and HostConfig.ExtraHosts, which dockerd checks only when the container starts (a 500 there)
// and berthd wrote into /etc/hosts as it came ("bad" became a line of its own).
import { isIP } from 'node:net';
import { invalidParameter } from '../../api/types/errors.ts';
import { checkPortSpecs } from './port-plan.ts';

type Json = Record<string, unknown>;

export function checkCreateNetworking(config: Json, hostConfig: Json | null | undefined): void {
  checkPortSpecs(config, hostConfig);
  for (const h of (hostConfig?.ExtraHosts as string[] | null | undefined) ?? []) checkExtraHost(h);
}

/** dockerd's ValidateExtraHost (its texts): "name:ip", split at the first ":" (IPv6 keeps its
 * own), or "name:host-gateway". */
function checkExtraHost(h: string): void {
  const at = h.indexOf(':');
  if (at <= 0) throw invalidParameter(`bad format for add-host: ${JSON.stringify(h)}`);
  const ip = h.slice(at + 1);
  if (ip !== 'host-gateway' && isIP(ip.trim()) === 0) throw invalidParameter(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
}

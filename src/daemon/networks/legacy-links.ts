// Legacy links (`--link name:alias`, default bridge only), as dockerd keeps them: stored in
// HostConfig.Links as "/<target>:/<container>/<alias>"; at each start the target must run, and
// the linking container gets an /etc/hosts line "<ip>	<alias> <id12> <name>" and the
// environment <ALIAS>_NAME, <ALIAS>_PORT..., <ALIAS>_ENV_<VAR>. `DELETE /containers/<name>/<alias>?link=1`
// removes one. The link is by the target's name, as dockerd's: a target recreated under the
// same name is linked at the next start.
import { conflict, invalidParameter, notFound } from '../../api/types/errors.ts';
import type { ContainerRow } from '../../store/containers.ts';
import { hasProcess } from '../../store/containers.ts';
import { exposedPorts, parsePortKey } from './port-plan.ts';

export interface Link {
  /** The linked container's name, "/srv". */
  target: string;
  /** The link's own name, "/lk/db". */
  name: string;
  alias: string;
}

/** "srv:db", "srv" (alias = name) or the stored "/srv:/lk/db". */
export function parseLink(s: string, owner = ''): Link {
  const at = s.indexOf(':');
  const target = at < 0 ? s : s.slice(0, at);
  const rest = at < 0 ? target : s.slice(at + 1);
  const alias = rest.slice(rest.lastIndexOf('/') + 1);
  const t = target.startsWith('/') ? target : `/${target}`;
  return { target: t, name: rest.startsWith('/') && rest.includes('/', 1) ? rest : `${owner}/${alias}`, alias };
}

export interface LinkTargets {
  resolve(idOrName: string): ContainerRow;
  /** The target's address on the default bridge ("" when it has none). */
  bridgeAddress(c: ContainerRow): string;
}

/** At create: every target exists (dockerd's text); the links as dockerd stores them. */
export function storedLinks(links: readonly string[], owner: string, t: LinkTargets): string[] {
  return links.map((s) => {
    const l = parseLink(s, owner);
    let target: ContainerRow;
    try {
      target = t.resolve(l.target.slice(1));
    } catch (err) {
      // 400, as dockerd's: the docker CLI takes a 404 of create for a missing image and pulls.
      throw invalidParameter(`could not get container for ${l.target.slice(1)}: ${(err as Error).message}`);
    }
    return `${target.name}:${owner}/${l.alias}`;
  });
}

export interface LinkRun {
  hosts: { ip: string; names: string[] }[];
  env: string[];
}

/** At a start of `c`: its links' hosts lines and environment; a stopped target refuses it. */
export function linkRun(c: ContainerRow, t: LinkTargets, o: { skipStopped?: boolean } = {}): LinkRun {
  const out: LinkRun = { hosts: [], env: [] };
  for (const s of (c.hostConfig.Links as string[] | null | undefined) ?? []) {
    const l = parseLink(s, c.name);
    let target: ContainerRow | undefined;
    try {
      target = t.resolve(l.target.slice(1));
    } catch {
      target = undefined;
    }
    if ((!target || !hasProcess(target.status)) && o.skipStopped) continue;
    if (!target || !hasProcess(target.status)) throw conflict(`Cannot link to a non running container: ${l.target} AS ${l.name}`);
    const ip = t.bridgeAddress(target);
    if (!ip) continue;
    out.hosts.push({ ip, names: [...new Set([l.alias, target.id.slice(0, 12), target.name.slice(1)])] });
    out.env.push(...linkEnv(l, target, ip));
  }
  return out;
}

function linkEnv(l: Link, target: ContainerRow, ip: string): string[] {
  const prefix = l.alias.toUpperCase().replace(/-/g, '_');
  const env = [`${prefix}_NAME=${l.name}`];
  const ports = exposedPorts(target.config, target.hostConfig).map(parsePortKey).sort((a, b) => a[0] - b[0] || Number(b[1] === 'tcp') - Number(a[1] === 'tcp'));
  if (ports[0]) env.push(`${prefix}_PORT=${ports[0][1]}://${ip}:${ports[0][0]}`);
  for (const [port, proto] of ports) {
    const p = `${prefix}_PORT_${port}_${proto.toUpperCase()}`;
    env.push(`${p}=${proto}://${ip}:${port}`, `${p}_ADDR=${ip}`, `${p}_PORT=${port}`, `${p}_PROTO=${proto}`);
  }
  for (const v of (target.config as { Env?: string[] | null }).Env ?? []) {
    const eq = v.indexOf('=');
    const key = v.slice(0, eq);
    // What every run adds is not the target's own (dockerd leaves these out too).
    if (eq < 0 || key === 'HOME' || key === 'PATH' || key === 'HOSTNAME') continue;
    env.push(`${prefix}_ENV_${key}=${v.slice(eq + 1)}`);
  }
  return env;
}

/** DELETE /containers/<owner>/<alias>?link=1: the link taken out of the owner's HostConfig.Links. */
export function removeLink(name: string, t: { resolve(idOrName: string): ContainerRow; setHostConfig(id: string, hc: Record<string, unknown>): void }): void {
  const full = name.startsWith('/') ? name : `/${name}`;
  const cut = full.lastIndexOf('/');
  if (cut <= 0) throw conflict('Conflict, cannot remove the default link name of the container');
  let owner: ContainerRow;
  try {
    owner = t.resolve(full.slice(1, cut));
  } catch {
    throw notFound(`No such container: ${full.slice(1)}`);
  }
  const links = (owner.hostConfig.Links as string[] | null | undefined) ?? [];
  const kept = links.filter((s) => parseLink(s, owner.name).name !== full);
  if (kept.length === links.length) throw notFound(`No such container: ${full.slice(1)}`);
  t.setHostConfig(owner.id, { ...owner.hostConfig, Links: kept.length ? kept : null });
}

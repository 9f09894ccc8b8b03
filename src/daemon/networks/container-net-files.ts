// /etc/hostname, /etc/hosts and /etc/resolv.conf of a container: written into its directory
// under the data-root (inspect's HostnamePath, HostsPath, ResolvConfPath; `docker cp` sees them)
// and bind-mounted over the image's, as dockerd does. Small synchronous writes: they are on the
// path of every start and take microseconds.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import { bindMount, type OciMount } from '../../runtime/spec/index.ts';
import { hostsFile, resolvConf } from '../../network/container-files.ts';

export interface NetFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

export function netFilePaths(dir: string): NetFiles {
  return { hostname: join(dir, 'hostname'), hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf') };
}

export interface ResolverSettings {
  dns: string[];
  search: string[];
  options: string[];
}

export interface FileInput {
  dir: string;
  hostname: string;
  domainname?: string;
  /** The container's own addresses (none with --network none). */
  ips: string[];
  extraHosts: { host: string; ip: string }[];
  links: { ip: string; names: string[] }[];
  resolver: ResolverSettings;
  /** The embedded DNS address on a user-defined network. */
  nameserver?: string;
  /** The host's resolv.conf text (a test passes its own). */
  hostResolvConf: string;
}

/** Writes the three files and returns their mounts, and whether resolv.conf fell back to
 * public resolvers (the host has only loopback ones). */
export function writeNetFiles(o: FileInput): { mounts: OciMount[]; fellBack: boolean } {
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const paths = netFilePaths(o.dir);
  writeFileSync(paths.hostname, `${o.hostname}\n`);
  writeFileSync(paths.hosts, hostsFile({ ips: o.ips, hostname: o.hostname, ...(o.domainname && { domainname: o.domainname }), extra: o.extraHosts, links: o.links }));
  const resolv = resolvConf(o.hostResolvConf, { dns: o.resolver.dns, search: o.resolver.search, options: o.resolver.options, ...(o.nameserver && { nameserver: o.nameserver }) });
  writeFileSync(paths.resolvConf, resolv.text);
  return { mounts: fileMounts(paths), fellBack: resolv.fellBack };
}

/** --network host: the host's own files, copied (a container must not write the host's). */
export function writeHostNetFiles(dir: string): OciMount[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths = netFilePaths(dir);
  writeFileSync(paths.hostname, `${hostHostname()}\n`);
  writeFileSync(paths.hosts, readOr('/etc/hosts', '127.0.0.1\tlocalhost\n'));
  writeFileSync(paths.resolvConf, readOr('/etc/resolv.conf', ''));
  return fileMounts(paths);
}

export function fileMounts(paths: NetFiles): OciMount[] {
  return [
    bindMount({ source: paths.resolvConf, destination: '/etc/resolv.conf', nonRecursive: true }),
    bindMount({ source: paths.hostname, destination: '/etc/hostname', nonRecursive: true }),
    bindMount({ source: paths.hosts, destination: '/etc/hosts', nonRecursive: true }),
  ];
}

export function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

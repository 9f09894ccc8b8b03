// -p/--publish and --expose as the docker CLI turns them into ExposedPorts and
// HostConfig.PortBindings (go-connections' nat.ParsePortSpecs and docker's long syntax).
import { isIP } from 'node:net';

export interface PortBinding { HostIp: string; HostPort: string }

/** "published=8080,target=80,protocol=udp" → "8080:80/udp"; anything else unchanged. */
export function toStandardNotation(spec: string): string {
  if (!spec.includes('=')) return spec;
  const params: Record<string, string> = { protocol: 'tcp' };
  for (const param of spec.split(',')) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw new Error(`invalid publish opts format (should be name=value but got '${param}')`);
    params[param.slice(0, eq)] = param.slice(eq + 1);
  }
  return `${params.published ?? ''}:${params.target ?? ''}/${params.protocol}`;
}

/** nat.ParsePortRange */
export function parsePortRange(ports: string): [number, number] {
  if (ports === '') throw new Error('empty string specified for ports');
  const num = (s: string) => {
    if (!/^\d+$/.test(s) || Number(s) > 65535) throw new Error(`invalid port: ${s}`);
    return Number(s);
  };
  if (!ports.includes('-')) return [num(ports), num(ports)];
  const [a = '', b = ''] = ports.split('-');
  const [start, end] = [num(a), num(b)];
  if (end < start) throw new Error(`invalid range specified for port: ${ports}`);
  return [start, end];
}

/** nat.SplitProtoPort: "80/udp" → ["udp", "80"]. */
export function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  if (parts[1] === '') return ['tcp', parts[0]!];
  return [parts[1]!, parts[0]!];
}

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  const container = parts[n - 1]!;
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0]!, container];
  if (n === 3) return [parts[0]!, parts[1]!, container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2]!, container];
}

const portKey = (proto: string, start: number, end: number) => (start === end ? `${start}/${proto}` : `${start}-${end}/${proto}`);

/** nat.ParsePortSpec: one -p value as (container port, binding) pairs. */
export function parsePortSpec(raw: string): { port: string; binding: PortBinding }[] {
  let [ip, hostPort, containerPort] = splitParts(raw);
  const [proto, cport] = splitProtoPort(containerPort);
  containerPort = cport;
  if (ip.startsWith('[')) {
    const close = ip.indexOf(']');
    if (close === -1 || close !== ip.length - 1) throw new Error(`invalid IP address ${ip}: address ${ip}:: missing ']' in address`);
    ip = ip.slice(1, close);
  }
  if (ip !== '' && !isIP(ip)) throw new Error(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new Error(`no port specified: ${raw}<empty>`);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(containerPort);
  } catch {
    throw new Error(`invalid containerPort: ${containerPort}`);
  }
  let [hostStart, hostEnd] = [0, 0];
  if (hostPort !== '') {
    try {
      [hostStart, hostEnd] = parsePortRange(hostPort);
    } catch {
      throw new Error(`invalid hostPort: ${hostPort}`);
    }
  }
  if (hostPort !== '' && end - start !== hostEnd - hostStart && end !== start) {
    throw new Error(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new Error(`invalid proto: ${proto}`);
  const out: { port: string; binding: PortBinding }[] = [];
  for (let i = 0; i <= end - start; i++) {
    let hp = hostPort === '' ? '' : String(hostStart + i);
    if (start === end && hostStart !== hostEnd) hp = `${hp}-${hostEnd}`;
    out.push({ port: portKey(proto.toLowerCase(), start + i, start + i), binding: { HostIp: ip, HostPort: hp } });
  }
  return out;
}

/** nat.ParsePortSpecs plus --expose: the ExposedPorts set and the PortBindings map. */
export function parsePorts(publish: string[], expose: string[]): { exposed: Record<string, object>; bindings: Record<string, PortBinding[]> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const spec of publish.map(toStandardNotation)) {
    for (const { port, binding } of parsePortSpec(spec)) {
      exposed[port] ??= {};
      (bindings[port] ??= []).push(binding);
    }
  }
  for (const e of expose) {
    if (e.includes(':')) throw new Error(`invalid port format for --expose: ${e}`);
    const [proto, port] = splitProtoPort(e);
    let range: [number, number];
    try {
      range = parsePortRange(port);
    } catch (err) {
      throw new Error(`invalid range format for --expose: ${e}, error: ${(err as Error).message}`);
    }
    for (let p = range[0]; p <= range[1]; p++) exposed[portKey(proto, p, p)] ??= {};
  }
  return { exposed, bindings };
}

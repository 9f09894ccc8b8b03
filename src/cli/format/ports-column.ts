// docker ps' PORTS column from a list entry's Ports, as the docker CLI writes it: entries sorted
// by container port, then host address, host port and protocol; ports published on the same
// number inside and out (and ports only exposed) grouped into runs per address and protocol
// (`7000-7002/tcp`, `127.0.0.1:8000-8001->8000-8001/tcp`); ports published on another number
// listed one by one after them (`127.0.0.1:8080->80/tcp`). A run cut short by a gap is written
// when the gap is seen, the runs still open at the end in the order they began.
export interface ListedPort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

interface Run {
  ip: string;
  type: string;
  first: number;
  last: number;
}

export function portsColumn(ports: readonly ListedPort[]): string {
  const sorted = [...ports].sort(comparePorts);
  const done: string[] = [];
  const mapped: string[] = [];
  const open = new Map<string, Run>(); // keyed by address and protocol, in the order runs began
  for (const p of sorted) {
    const ip = p.IP ?? '';
    if (ip !== '' && (p.PublicPort ?? 0) !== p.PrivatePort) {
      mapped.push(`${hostPort(ip, p.PublicPort ?? 0)}->${p.PrivatePort}/${p.Type}`);
      continue;
    }
    const key = `${ip}/${p.Type}`;
    const run = open.get(key);
    if (run && p.PrivatePort === run.last + 1) {
      run.last = p.PrivatePort;
      continue;
    }
    if (run) done.push(written(run));
    // A run that begins again keeps its key's first place among the open ones.
    open.set(key, { ip, type: p.Type, first: p.PrivatePort, last: p.PrivatePort });
  }
  return [...done, ...[...open.values()].map(written), ...mapped].join(', ');
}

function written(r: Run): string {
  const range = r.first === r.last ? String(r.first) : `${r.first}-${r.last}`;
  return r.ip === '' ? `${range}/${r.type}` : `${hostPort(r.ip, range)}->${range}/${r.type}`;
}

/** Go's net.JoinHostPort: an IPv6 address in brackets. */
const hostPort = (ip: string, port: number | string): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

function comparePorts(a: ListedPort, b: ListedPort): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  const [ai, bi] = [a.IP ?? '', b.IP ?? ''];
  if (ai !== bi) return ai < bi ? -1 : 1;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

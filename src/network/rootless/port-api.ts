// A client of rootlesskit's REST API (`<state dir>/api.sock`; rootlesskit's pkg/api/openapi.yaml,
// API 1.x as Debian's rootlesskit 1.1 serves it). A rootless berthd lives inside rootlesskit's
// network namespace, so nothing it binds there is reachable from the host: the parent side of a
// published port is a listener rootlesskit's parent process opens on the host (port driver
// "builtin") and forwards, connection by connection, to an address inside the namespace.
//   GET    /v1/info        {apiVersion, version, stateDir, childPID, networkDriver, portDriver}
//   GET    /v1/ports       [{id, spec}]
//   POST   /v1/ports       spec -> 201 {id, spec}
//   DELETE /v1/ports/{id}  200
//   spec: {proto: "tcp"|"udp", parentIP, parentPort, childIP, childPort}
// A failure answers 4xx/5xx with {"message": "..."}: rootlesskit's own text, e.g. the parent's
// "listen tcp 127.0.0.1:8080: bind: address already in use".
import { request } from 'node:http';

export interface PortSpec {
  proto: 'tcp' | 'udp';
  /** "0.0.0.0" for every IPv4 address of the host. */
  parentIP: string;
  parentPort: number;
  /** Where rootlesskit's child connects inside the namespace. */
  childIP: string;
  childPort: number;
}

export interface PortStatus { id: number; spec: PortSpec }

export interface RootlessKitInfo {
  apiVersion: string; version: string; stateDir: string; childPID: number;
  /** Absent when the holder runs without a port driver (--port-driver=none). */
  portDriver?: { driver: string; protos: string[] };
}

/** rootlesskit refused a request (its status and message), or could not be reached. */
export class PortApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'PortApiError';
    this.status = status;
  }
}

export class RootlessKitApi {
  readonly socketPath: string;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  async info(): Promise<RootlessKitInfo> {
    return (await this.#call('GET', '/v1/info')) as RootlessKitInfo;
  }

  async ports(): Promise<PortStatus[]> {
    // Go marshals an empty list as null.
    return ((await this.#call('GET', '/v1/ports')) as PortStatus[] | null) ?? [];
  }

  async addPort(spec: PortSpec): Promise<PortStatus> {
    return (await this.#call('POST', '/v1/ports', spec)) as PortStatus;
  }

  async removePort(id: number): Promise<void> {
    await this.#call('DELETE', `/v1/ports/${id}`);
  }

  #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.socketPath, method, path, host: 'rootlesskit',
        headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {},
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 400) return reject(new PortApiError(status, messageOf(text) || `${method} ${path}: status ${status}`));
          try {
            resolve(text.trim() === '' ? undefined : JSON.parse(text));
          } catch {
            reject(new PortApiError(status, `${method} ${path}: not JSON: ${text.slice(0, 200)}`));
          }
        });
      });
      req.on('error', (err) => reject(new PortApiError(0, `rootlesskit's API at ${this.socketPath}: ${err.message}`)));
      req.end(data);
    });
  }
}

function messageOf(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: the text itself
  }
  return text.trim();
}

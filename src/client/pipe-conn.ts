// A unix-socket connection for the answers read whole (http1.ts), on libuv's pipe handle itself
// rather than a node:net Socket. Why: node:net and the stream modules under it are most of what a
// short `berth version` or `berth ps` costs over Node's own start — their functions are compiled
// at each start (Node's built-in code cache holds only their top levels), and a Socket runs a
// Duplex's machinery for every chunk. Callgrind, HEAD /_ping + GET /version from a bare script:
// +26 M instructions over `node -e 0` through node:net, +1 M on the handle (node -e 0: ~80 M).
// The handle is reached through process.binding('pipe_wrap'), the way node:net itself reaches it;
// where that is unavailable or looks other than this Node's (another Node, --pending-deprecation
// which would print a warning, the permission model), and whenever the connect fails, the
// connection is a node:net Socket as before: a failure reads exactly as it always did.
import { EventEmitter } from 'node:events';

/** What http1.ts uses of a connection (a node:net Socket, a TLS socket or ssh's Duplex has it too). */
export interface Conn {
  // Listeners typed as node's own emitters type them, so that a Socket is a Conn.
  on(event: string, fn: (...args: any[]) => void): this;
  off(event: string, fn: (...args: any[]) => void): this;
  write(data: Buffer): unknown;
  destroy(): unknown;
  ref?(): unknown;
  unref?(): unknown;
}

interface StreamHandle {
  onread: (buf: ArrayBuffer | undefined) => void;
  readStart(): number;
  writeBuffer(req: object, data: Buffer): number;
  connect(req: object, path: string): number;
  close(cb?: () => void): void;
  ref(): void;
  unref(): void;
}

interface Binding {
  newPipe: () => StreamHandle;
  newConnectReq: () => { oncomplete?: (status: number) => void };
  newWriteReq: () => { handle?: StreamHandle; oncomplete?: (status: number) => void; async?: boolean };
  state: Int32Array;
  kRead: number;
  kOffset: number;
  kAsync: number;
}

const ignoreRead = (): void => undefined;

/** libuv's UV_EOF: a read's end of stream. */
const UV_EOF = -4095;

let binding: Binding | null | undefined;

function pipeBinding(): Binding | null {
  if (binding !== undefined) return binding;
  binding = null;
  const opts = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`;
  if (/--pending-deprecation|--permission|--experimental-permission/.test(opts) || process.env.NODE_PENDING_DEPRECATION === '1') return binding;
  try {
    const bind = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
    const pipe = bind('pipe_wrap') as { Pipe?: new (type: number) => StreamHandle; PipeConnectWrap?: new () => object; constants?: { SOCKET?: number } };
    const stream = bind('stream_wrap') as { WriteWrap?: new () => object; streamBaseState?: unknown; kReadBytesOrError?: number; kArrayBufferOffset?: number; kLastWriteWasAsync?: number };
    const { Pipe, PipeConnectWrap, constants } = pipe;
    const { WriteWrap, streamBaseState: state, kReadBytesOrError: kRead, kArrayBufferOffset: kOffset, kLastWriteWasAsync: kAsync } = stream;
    const type = constants?.SOCKET;
    const ok = typeof Pipe === 'function' && typeof PipeConnectWrap === 'function' && typeof WriteWrap === 'function' && typeof type === 'number';
    if (!ok || !(state instanceof Int32Array) || typeof kRead !== 'number' || typeof kOffset !== 'number' || typeof kAsync !== 'number') return binding;
    const probe = new Pipe(type);
    const methods = ['readStart', 'writeBuffer', 'connect', 'close', 'ref', 'unref'] as const;
    if (!methods.every((m) => typeof probe[m] === 'function')) return binding;
    probe.close();
    binding = {
      newPipe: () => new Pipe(type),
      newConnectReq: () => new PipeConnectWrap(),
      newWriteReq: () => new WriteWrap(),
      state,
      kRead,
      kOffset,
      kAsync,
    };
  } catch {
    /* no process.binding here: node:net */
  }
  return binding;
}

/** A connection to the unix socket at `path`. */
export function connectPipe(path: string): Conn {
  const b = pipeBinding();
  return b ? new PipeConn(b, path) : netConnect(path);
}

function netConnect(path: string): Conn {
  return process.getBuiltinModule('node:net').connect(path) as unknown as Conn;
}

/** node:net's form of a failed call: `read ECONNRESET`, with code, errno and syscall. */
function errnoError(status: number, syscall: string): Error {
  const code = process.getBuiltinModule('node:util').getSystemErrorName(status);
  return Object.assign(new Error(`${syscall} ${code}`), { errno: status, code, syscall });
}

class PipeConn extends EventEmitter implements Conn {
  readonly #b: Binding;
  readonly #path: string;
  #handle: StreamHandle | undefined;
  /** The node:net Socket that stands in after a failed connect. */
  #net: Conn | undefined;
  #connected = false;
  #closed = false;
  #queued: Buffer[] = [];
  #refed = true;

  constructor(b: Binding, path: string) {
    super();
    this.#b = b;
    this.#path = path;
    const handle = b.newPipe();
    const req = b.newConnectReq();
    req.oncomplete = (status) => this.#afterConnect(status);
    this.#handle = handle;
    const err = handle.connect(req, path);
    // A synchronous refusal (a path too long): node:net's own attempt reports it, as it would.
    if (err < 0) queueMicrotask(() => this.#afterConnect(err));
  }

  #afterConnect(status: number): void {
    if (this.#closed) return;
    if (status < 0) return this.#fallBack();
    this.#connected = true;
    const handle = this.#handle!;
    handle.onread = (buf) => this.#onRead(buf);
    handle.readStart();
    for (const data of this.#queued.splice(0)) this.#send(data);
  }

  /** The connect failed: node:net tries it again and reports what it reports. */
  #fallBack(): void {
    this.#handle?.close();
    this.#handle = undefined;
    const net = netConnect(this.#path);
    this.#net = net;
    for (const event of ['data', 'end', 'error', 'close']) net.on(event, (arg: unknown) => this.emit(event, arg));
    if (!this.#refed) net.unref?.();
    for (const data of this.#queued.splice(0)) net.write(data);
  }

  #onRead(buf: ArrayBuffer | undefined): void {
    const { state, kRead, kOffset } = this.#b;
    const n = state[kRead]!;
    if (n > 0 && buf) {
      this.emit('data', Buffer.from(buf, state[kOffset], n));
      return;
    }
    if (n === 0) return;
    if (n === UV_EOF) this.emit('end');
    else this.emit('error', errnoError(n, 'read'));
    this.destroy();
  }

  #send(data: Buffer): void {
    const req = this.#b.newWriteReq();
    req.handle = this.#handle;
    req.oncomplete = (status) => {
      if (status < 0) this.#failWrite(status);
    };
    req.async = false;
    const err = this.#handle!.writeBuffer(req, data);
    if (err < 0) this.#failWrite(err);
  }

  #failWrite(status: number): void {
    if (this.#closed) return;
    this.emit('error', errnoError(status, 'write'));
    this.destroy();
  }

  write(data: Buffer): boolean {
    if (this.#net) return Boolean(this.#net.write(data));
    if (this.#closed) return false;
    if (this.#connected) this.#send(data);
    else this.#queued.push(data);
    return true;
  }

  destroy(): this {
    if (this.#net) {
      this.#net.destroy();
      return this;
    }
    if (this.#closed) return this;
    this.#closed = true;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) {
      handle.onread = ignoreRead; // the handle takes only a function
      handle.close(() => this.emit('close'));
    } else queueMicrotask(() => this.emit('close'));
    return this;
  }

  ref(): this {
    this.#refed = true;
    if (this.#net) this.#net.ref?.();
    else this.#handle?.ref();
    return this;
  }

  unref(): this {
    this.#refed = false;
    if (this.#net) this.#net.unref?.();
    else this.#handle?.unref();
    return this;
  }
}

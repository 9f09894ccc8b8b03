// The error catalogue shared by berthd and its clients. The daemon throws these; one function
// (statusOfKind, below) turns a kind into an HTTP status, and the client turns the status back
// into the same kind, so a caller on either side can test `err.kind` instead of parsing text.

export type ErrorKind =
  | 'invalid-parameter'
  | 'not-found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'not-modified'
  | 'not-implemented'
  | 'system';

export class BerthError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'BerthError';
  }
}

export const invalidParameter = (msg: string): BerthError => new BerthError('invalid-parameter', msg);
export const notFound = (msg: string): BerthError => new BerthError('not-found', msg);
export const conflict = (msg: string): BerthError => new BerthError('conflict', msg);
export const unauthorized = (msg: string): BerthError => new BerthError('unauthorized', msg);
export const forbidden = (msg: string): BerthError => new BerthError('forbidden', msg);
export const unavailable = (msg: string): BerthError => new BerthError('unavailable', msg);
export const notModified = (msg = ''): BerthError => new BerthError('not-modified', msg);
export const notImplemented = (msg: string): BerthError => new BerthError('not-implemented', msg);
export const systemError = (msg: string, cause?: unknown): BerthError =>
  new BerthError('system', msg, { cause });

export function isKind(err: unknown, kind: ErrorKind): boolean {
  return err instanceof BerthError && err.kind === kind;
}

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  'invalid-parameter': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'not-modified': 304,
  'not-implemented': 501,
  unavailable: 503,
  system: 500,
};

export function statusOfKind(kind: ErrorKind): number {
  return STATUS_BY_KIND[kind];
}

export function kindOfStatus(status: number): ErrorKind {
  for (const [kind, s] of Object.entries(STATUS_BY_KIND)) if (s === status) return kind as ErrorKind;
  return status >= 400 && status < 500 ? 'invalid-parameter' : 'system';
}

// The shapes and builders the bad-request corpus is written with (bad-request-corpus.ts and
// bad-request-corpus-engine.ts): a case, the objects cases work on, and the bad bodies and
// filters every JSON or filtering route gets.
export const TAR_HEADERS = { 'Content-Type': 'application/x-tar' };

/** Objects the cases work on, made by the test before it sends them. */
export interface CorpusIds {
  /** A running container (`sleep`). */
  running: string;
  /** A created, never started container. */
  stopped: string;
  /** An exec instance of the running container, not started. */
  exec: string;
  /** A user network (10.220.0.0/24, ip-range 10.220.0.128/25) no container is on. */
  network: string;
}

export interface BadRequest {
  /** Path and query after the version prefix. */
  path: string;
  /** The version in the prefix (default: the newest). */
  version?: string;
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** The exact status, when it matters (else any 4xx). */
  status?: number;
  message?: string | RegExp;
}

export type RouteCorpus = (ids: CorpusIds) => BadRequest[];

const JSON_HEADERS = { 'Content-Type': 'application/json' };
export const json = (path: string, body: unknown, extra: Partial<BadRequest> = {}): BadRequest => ({
  path, body: typeof body === 'string' ? body : JSON.stringify(body), headers: JSON_HEADERS, ...extra,
});
/** What every JSON-body route must refuse: broken JSON, the wrong media type, a body declared
 * too big (refused before it is read, so only its start is sent), a NUL in a string. */
export const badBodies = (path: string): BadRequest[] => [
  json(path, '{"Image": ', { message: /^invalid JSON: / }),
  { path, body: '{"a":1}', headers: { 'Content-Type': 'text/plain' }, message: /^unsupported Content-Type header \(text\/plain\)/ },
  { path, body: '{"a":', headers: { ...JSON_HEADERS, 'Content-Length': String(64 * 1024 * 1024) }, message: /request body too large/ },
  json(path, { Labels: { a: 'b\0c' } }, { message: 'invalid JSON: the string at Labels.a contains a NUL byte' }),
];
export const q = (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
export const badFilters = (path: string): BadRequest[] => [
  { path: `${path}filters=${q('{bad')}` },
  { path: `${path}filters=${q([1])}` },
  { path: `${path}filters=${q({ nope: ['x'] })}`, message: "invalid filter 'nope'" },
  // Only {"k":["v"]} and {"k":{"v":true}} are filters dockerd can read.
  { path: `${path}filters=${q({ label: { a: 'b' } })}` },
  { path: `${path}filters=${q({ label: 5 })}` },
];
export const LONG = 'x'.repeat(5000);

// The bad-request corpus of api/bad-requests.test.ts: for every route berthd serves, requests
// that dockerd refuses (or that no daemon should take), each of which must get a 4xx with a JSON
// message. Every route needs an entry here — the test fails for a route without one, so a new
// route brings its bad cases with it. Cases common to all routes (bad version prefixes, wrong
// methods, unknown/NUL/overlong ids) are made by the test itself.
//
// No case may be a request that would reach a registry or the network (a valid name to pull,
// push, search or inspect remotely): only requests refused before that. The daemon under test
// also runs in a network namespace of its own, so a mistake here cannot leave the machine.
import type { Route } from '../api/route.ts';
import { tarFiles as tarOf } from './tar-files.ts';
import { badBodies, badFilters, json, LONG, q, TAR_HEADERS, type BadRequest, type RouteCorpus } from './bad-request-cases.ts';
import { ENGINE_CORPUS } from './bad-request-corpus-engine.ts';

export type { BadRequest, CorpusIds, RouteCorpus } from './bad-request-cases.ts';

const CORPUS: Record<string, RouteCorpus> = {
  // Nothing to get wrong but the version, the method and the path (generic cases).
  'GET /_ping': () => [],
  'HEAD /_ping': () => [],
  'GET /version': () => [],
  'GET /info': () => [],
  'GET /system/df': () => [{ path: '/system/df?type=nope', message: 'unknown object type: nope' }],
  'POST /auth': () => [
    ...badBodies('/auth'),
    json('/auth', { username: 5 }, { message: 'invalid value for "username": expected a string' }),
    json('/auth', [1]),
    { path: '/auth', message: /got EOF while reading request body/ },
  ],
  'GET /events': () => [
    { path: '/events?since=yesterday&until=1' },
    { path: '/events?since=0&until=abc' },
    ...badFilters('/events?until=1&'),
  ],
  // berth's own: the query is judged before the policy is asked for its log (none here: a 404).
  'GET /berth/audit': () => [
    { path: '/berth/audit?since=yesterday' },
    ...badFilters('/berth/audit?'),
    { path: '/berth/audit', status: 404, message: 'berthd has no audit log: it runs without an authorization policy (--authz-policy)' },
  ],
  'GET /images/json': () => [...badFilters('/images/json?'), { path: `/images/json?filters=${q({ dangling: ['maybe'] })}` }],
  'POST /images/create': () => [
    { path: '/images/create', message: 'fromImage or fromSrc is required' },
    { path: '/images/create?fromImage=UPPER' },
    { path: '/images/create?fromImage=a%00b' },
    { path: `/images/create?fromImage=${LONG}` },
    { path: '/images/create?fromImage=busybox&tag=bad%20tag' },
    { path: '/images/create?fromSrc=a%00b' },
    { path: '/images/create?fromSrc=ftp://127.0.0.1/x' },
    { path: '/images/create?fromSrc=http://127.0.0.1:1/a%00b', message: 'parse "http://127.0.0.1:1/a\\u0000b": net/url: invalid control character in URL' },
    { path: '/images/create?fromSrc=-&changes=WORKDIR%20/a%00b', body: Buffer.alloc(0) },
    { path: '/images/create?fromSrc=-&changes=BOGUS%20x', body: Buffer.alloc(0) },
    { path: '/images/create?fromSrc=-&repo=UPPER', body: Buffer.alloc(0) },
  ],
  // A body that is not an image archive is answered in-band with a 200, as dockerd does.
  'POST /images/load': () => [],
  // Refused before the context is read: bad query values; then a context without a Dockerfile,
  // and Dockerfiles that fail to parse, each named by file and line.
  'POST /build': () => [
    { path: '/build?t=UPPER', body: Buffer.alloc(0), message: /invalid reference format/ },
    { path: '/build?t=a@sha256:' + '0'.repeat(64), body: Buffer.alloc(0), message: /digest/ },
    { path: '/build?buildargs=notjson', body: Buffer.alloc(0), message: /error reading build args/ },
    { path: `/build?buildargs=${q({ A: 1 })}`, body: Buffer.alloc(0), message: /error reading build args/ },
    { path: '/build?labels=[1]', body: Buffer.alloc(0), message: /error reading labels/ },
    { path: '/build?cachefrom={}', body: Buffer.alloc(0), message: /error reading cache-from/ },
    { path: '/build?memory=1.5', body: Buffer.alloc(0), message: /strconv.Atoi/ },
    { path: '/build?shmsize=0', body: Buffer.alloc(0), message: /shmsize/ },
    { path: '/build?version=2', body: Buffer.alloc(0), message: /BuildKit/ },
    { path: '/build?version=7', body: Buffer.alloc(0), message: 'invalid version 7' },
    { path: '/build?squash=1', body: Buffer.alloc(0), message: /experimental/ },
    { path: '/build?isolation=hyperv', body: Buffer.alloc(0), message: /Unsupported isolation/ },
    { path: '/build', body: tarOf({ 'x.txt': 'x' }), headers: TAR_HEADERS, message: /Cannot locate specified Dockerfile: Dockerfile/ },
    { path: '/build?dockerfile=../Dockerfile', body: tarOf({ Dockerfile: 'FROM scratch\n' }), headers: TAR_HEADERS },
    { path: '/build', body: tarOf({ Dockerfile: 'FROM scratch\nFROBNICATE x\n' }), headers: TAR_HEADERS, message: /Dockerfile:2: .*FROBNICATE/i },
    { path: '/build', body: tarOf({ Dockerfile: 'RUN true\n' }), headers: TAR_HEADERS, message: /Dockerfile:1: / },
    { path: '/build?target=nosuch', body: tarOf({ Dockerfile: 'FROM scratch AS a\n' }), headers: TAR_HEADERS, message: /nosuch/ },
  ],
  'POST /images/prune': () => [...badFilters('/images/prune?'), { path: `/images/prune?filters=${q({ until: ['notatime'] })}` }],
  'GET /images/get': () => [
    { path: '/images/get', message: /no images given/ },
    { path: '/images/get?names=nonexistent-corpus', status: 404 },
    { path: '/images/get?names=UPPER' },
    { path: '/images/get?names=a%00b' },
  ],
  'GET /images/search': () => [
    { path: '/images/search' },
    { path: '/images/search?term=x&limit=abc' },
    { path: '/images/search?term=x&limit=0' },
    { path: '/images/search?term=x&limit=1000' },
    ...badFilters('/images/search?term=x&'),
  ],
  'GET /images/*': () => [
    { path: '/images/nonexistent-corpus/json', status: 404 },
    { path: '/images/busybox/nope', status: 404 },
    { path: '/images/UPPER/json' },
    { path: '/images/a%00b/json' },
    { path: '/images/nonexistent-corpus/history', status: 404 },
  ],
  'POST /images/*': () => [
    { path: '/images/busybox/tag', message: 'repo is required' },
    { path: '/images/busybox/tag?repo=UPPER' },
    { path: '/images/busybox/tag?repo=a&tag=bad%20tag' },
    { path: '/images/busybox/tag?repo=a%00b' },
    { path: '/images/nonexistent-corpus/tag?repo=x', status: 404 },
    { path: '/images/nonexistent-corpus/push', status: 404 },
    { path: '/images/busybox/nope', status: 404 },
  ],
  'DELETE /images/*': () => [
    { path: '/images/nonexistent-corpus', status: 404 },
    { path: '/images/UPPER' },
    { path: '/images/a%00b' },
  ],
  'GET /distribution/*': () => [
    { path: '/distribution/UPPER/json' },
    { path: '/distribution/a%00b/json' },
    { path: '/distribution/busybox/nope', status: 404 },
  ],
  'POST /containers/create': () => [
    ...badBodies('/containers/create'),
    { path: '/containers/create', message: 'Config cannot be empty in order to create a container' },
    json('/containers/create', { Image: 5 }),
    json('/containers/create', { Image: 'busybox', Cmd: 5 }),
    json('/containers/create', { Image: 'busybox', Env: 'A=b' }),
    json('/containers/create', { Image: 'nonexistent-corpus' }, { status: 404 }),
    json('/containers/create?name=a%00b', { Image: 'busybox' }),
    json('/containers/create?name=bad/name', { Image: 'busybox' }),
    json('/containers/create?name=corpus-run', { Image: 'busybox' }, { status: 409 }),
    json('/containers/create', { Image: 'busybox', WorkingDir: 'relative' }),
    // NUL bytes that dockerd takes at create and fails on at start (a bind source, the
    // environment, argv) or answers with a 500 naming its data-root (WorkingDir).
    json('/containers/create', { Image: 'busybox', HostConfig: { Binds: ['/a\0b:/x'] } }, { message: 'invalid JSON: the string at HostConfig.Binds[0] contains a NUL byte' }),
    json('/containers/create', { Image: 'busybox', WorkingDir: '/a\0b' }),
    json('/containers/create', { Image: 'busybox', Env: ['A\0B=c'] }),
    json('/containers/create', { Image: 'busybox', Cmd: ['a\0b'] }),
    // Out-of-range limits.
    json('/containers/create', { Image: 'busybox', HostConfig: { Memory: -5 } }),
    json('/containers/create', { Image: 'busybox', HostConfig: { Memory: 1.5 } }),
    json('/containers/create', { Image: 'busybox', HostConfig: { BlkioWeight: 99999 } }),
    json('/containers/create', { Image: 'busybox', HostConfig: { CpusetCpus: '0-999999' } }),
  ],
  'GET /containers/json': () => [
    ...badFilters('/containers/json?'),
    { path: '/containers/json?limit=abc', message: 'strconv.Atoi: parsing "abc": invalid syntax' },
    { path: '/containers/json?limit=99999999999999999999', message: 'strconv.Atoi: parsing "99999999999999999999": value out of range' },
  ],
  'GET /volumes': () => [...badFilters('/volumes?'), { path: `/volumes?filters=${q({ dangling: ['maybe'] })}`, message: "invalid filter 'dangling=maybe'" }],
  'POST /volumes/create': () => [
    ...badBodies('/volumes/create'),
    json('/volumes/create', { Name: 5 }), json('/volumes/create', { Labels: ['a'] }), json('/volumes/create', '[]'),
    json('/volumes/create', { Name: 'a' }, { message: 'create a: volume name is too short, names should be at least two alphanumeric characters' }),
    json('/volumes/create', { Name: '../x' }, { status: 400 }), json('/volumes/create', { Name: 'corpus', Driver: 'nope' }, { status: 404 }),
    json('/volumes/create', { Name: 'corpus', DriverOpts: { foo: 'x' } }, { message: 'create corpus: invalid option: "foo"' }),
  ],
  'POST /volumes/prune': () => [...badFilters('/volumes/prune?'), { path: `/volumes/prune?filters=${q({ all: ['maybe'] })}`, message: "invalid filter 'all=maybe'" }],
  'POST /build/prune': () => [
    ...badFilters('/build/prune?'),
    { path: '/build/prune?keep-storage=lots', message: 'strconv.Atoi: parsing "lots": invalid syntax' },
    { path: `/build/prune?filters=${q({ until: ['someday'] })}` },
  ],
  'GET /volumes/:name': () => [{ path: '/volumes/nonexistent-corpus', status: 404, message: 'get nonexistent-corpus: no such volume' }],
  'DELETE /volumes/:name': () => [{ path: '/volumes/nonexistent-corpus', status: 404 }],
  'GET /containers/:id/json': () => [],
  'DELETE /containers/:id': (ids) => [
    { path: `/containers/${ids.running}`, status: 409 },
    { path: `/containers/${ids.running}?link=1`, status: 409, message: 'Conflict, cannot remove the default link name of the container' },
  ],
  // Legacy links' names: /<container>/<alias>.
  'DELETE /containers/*': (ids) => [
    { path: `/containers/${ids.running}/nolink?link=1`, status: 404, message: `No such container: ${ids.running}/nolink` },
    { path: '/containers/nonexistent-corpus/x?link=1', status: 404 },
  ],
  'POST /containers/:id/rename': (ids) => [
    { path: `/containers/${ids.stopped}/rename`, message: 'name is required' },
    { path: `/containers/${ids.stopped}/rename?name=a%00b` },
    { path: `/containers/${ids.stopped}/rename?name=bad/name` },
    { path: `/containers/${ids.stopped}/rename?name=corpus-run`, status: 409 },
  ],
  'POST /containers/prune': () => [...badFilters('/containers/prune?'), { path: `/containers/prune?filters=${q({ until: ['notatime'] })}` }],
  'GET /networks': () => [
    ...badFilters('/networks?'),
    { path: `/networks?filters=${q({ type: ['x'] })}`, message: "invalid filter: 'type'='x'" },
    { path: `/networks?filters=${q({ dangling: ['maybe'] })}`, message: /invalid value for filter 'dangling'/ },
  ],
  'GET /networks/:id': () => [{ path: '/networks/corpus-none', status: 404, message: 'network corpus-none not found' }, { path: '/networks/bridge?scope=swarm', status: 404 }],
  'POST /networks/create': () => [
    ...badBodies('/networks/create'),
    json('/networks/create', {}, { message: 'invalid name: ' }),
    json('/networks/create', { Name: 5 }, { message: 'json: cannot unmarshal number into Go struct field NetworkCreateRequest.Name of type string' }),
    json('/networks/create', { Name: 'host' }, { status: 403 }),
    json('/networks/create', { Name: 'c', Driver: 'overlay' }, { status: 400 }),
    json('/networks/create', { Name: 'c', IPAM: { Config: [{ Subnet: '10.0.0.0/33' }] } }, { message: 'Invalid subnet 10.0.0.0/33 : invalid CIDR address: 10.0.0.0/33' }),
    json('/networks/create', { Name: 'c', IPAM: { Config: 'x' } }),
    json('/networks/create', { Name: 'c', Options: { 'com.docker.network.bridge.name': 'far-too-long-a-name' } }),
  ],
  'DELETE /networks/:id': () => [{ path: '/networks/none', status: 403, message: 'none is a pre-defined network and cannot be removed' }, { path: '/networks/corpus-none', status: 404 }],
  'POST /networks/:id/connect': (ids) => [
    ...badBodies('/networks/bridge/connect'),
    json('/networks/bridge/connect', {}, { message: 'invalid name or ID supplied: ""' }),
    json('/networks/bridge/connect', { Container: 'corpus-none' }, { status: 404 }),
    json('/networks/corpus-none/connect', { Container: ids.stopped }, { status: 404 }),
    json('/networks/host/connect', { Container: ids.stopped }, { message: 'container cannot be disconnected from host network or connected to host network' }),
    json('/networks/bridge/connect', { Container: ids.stopped, EndpointConfig: { IPAMConfig: { IPv4Address: 7 } } }),
  ],
  'POST /networks/:id/disconnect': (ids) => [
    ...badBodies('/networks/bridge/disconnect'),
    json('/networks/bridge/disconnect', { Force: 'yes' }),
    json('/networks/bridge/disconnect', { Container: ids.stopped }, { message: /^container [0-9a-f]{64} is not connected to network bridge$/ }),
  ],
  'POST /networks/prune': () => [...badFilters('/networks/prune?'), { path: `/networks/prune?filters=${q({ until: ['notatime'] })}` }],
  'POST /containers/:id/start': (ids) => [
    json(`/containers/${ids.stopped}/start`, { Binds: ['/:/host'] }, { message: 'starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24' }),
  ],
  'POST /containers/:id/stop': (ids) => [
    { path: `/containers/${ids.running}/stop?t=abc`, message: 'strconv.Atoi: parsing "abc": invalid syntax' },
    { path: `/containers/${ids.running}/stop?t=99999999999999999999`, message: /value out of range/ },
    { path: `/containers/${ids.running}/stop?signal=NOPE`, message: 'Invalid signal: NOPE' },
  ],
  'POST /containers/:id/restart': (ids) => [
    { path: `/containers/${ids.running}/restart?t=1.5`, message: 'strconv.Atoi: parsing "1.5": invalid syntax' },
    { path: `/containers/${ids.running}/restart?signal=NOPE`, message: 'Invalid signal: NOPE' },
  ],
  'POST /containers/:id/update': (ids) => [
    ...badBodies(`/containers/${ids.running}/update`),
    json(`/containers/${ids.running}/update`, [1], { message: 'json: cannot unmarshal array into Go value of type container.UpdateConfig' }),
    // Wrong types and values no kernel takes.
    json(`/containers/${ids.running}/update`, { CpuShares: 'x' }),
    json(`/containers/${ids.running}/update`, { Memory: 1e30 }),
    json(`/containers/${ids.running}/update`, { NanoCpus: 1e19 }),
  ],
  'POST /containers/:id/pause': (ids) => [{ path: `/containers/${ids.stopped}/pause`, status: 409 }],
  'POST /containers/:id/unpause': (ids) => [{ path: `/containers/${ids.running}/unpause`, status: 409 }],
  'POST /containers/:id/kill': (ids) => [
    { path: `/containers/${ids.running}/kill?signal=NOPE`, message: 'Invalid signal: NOPE' },
    { path: `/containers/${ids.running}/kill?signal=99` },
    { path: `/containers/${ids.running}/kill?signal=a%00b` },
    { path: `/containers/${ids.stopped}/kill`, status: 409 },
  ],
  'POST /containers/:id/wait': (ids) => [{ path: `/containers/${ids.running}/wait?condition=nope`, message: 'invalid condition: "nope"' }],
  'GET /containers/:id/logs': (ids) => [
    { path: `/containers/${ids.running}/logs`, message: 'Bad parameters: you must choose at least one stream' },
    { path: `/containers/${ids.running}/logs?stdout=1&tail=abc` },
    { path: `/containers/${ids.running}/logs?stdout=1&since=yesterday` },
    { path: `/containers/${ids.running}/logs?stdout=1&until=abc` },
  ],
  'POST /containers/:id/attach': (ids) => [
    { path: `/containers/${ids.running}/attach?stream=1&stdout=1&detachKeys=bogus` },
    { path: `/containers/${ids.running}/attach?stream=1&stdout=1&detachKeys=a%00b` },
  ],
  'GET /containers/:id/attach/ws': (ids) => [{ path: `/containers/${ids.running}/attach/ws?stream=1&detachKeys=bogus` }],
  'POST /containers/:id/resize': (ids) => [
    { path: `/containers/${ids.running}/resize` },
    { path: `/containers/${ids.running}/resize?h=abc&w=1` },
    { path: `/containers/${ids.running}/resize?h=1&w=-1` },
    { path: `/containers/${ids.running}/resize?h=99999&w=1` },
  ],
  'GET /containers/:id/top': (ids) => [
    { path: `/containers/${ids.stopped}/top`, status: 409 },
    { path: `/containers/${ids.running}/top?ps_args=--bogus-option`, message: /^ps: / },
    { path: `/containers/${ids.running}/top?ps_args=-o%20user=PID`, message: 'specifying "user=PID" is not allowed' },
    { path: `/containers/${ids.running}/top?ps_args=a%00b` },
  ],
  'GET /containers/:id/stats': () => [],
  'POST /containers/:id/exec': (ids) => [
    ...badBodies(`/containers/${ids.running}/exec`),
    { path: `/containers/${ids.running}/exec` },
    json(`/containers/${ids.running}/exec`, {}),
    json(`/containers/${ids.running}/exec`, { Cmd: [] }),
    json(`/containers/${ids.running}/exec`, { Cmd: 5 }),
    json(`/containers/${ids.running}/exec`, [1]),
    json(`/containers/${ids.running}/exec`, { Cmd: ['true'], DetachKeys: 'bogus' }),
    json(`/containers/${ids.running}/exec`, { Cmd: ['a\0b'] }),
    json(`/containers/${ids.running}/exec`, { Cmd: ['true'], WorkingDir: '/a\0b' }),
    json(`/containers/${ids.stopped}/exec`, { Cmd: ['true'] }, { status: 409 }),
  ],
  'POST /exec/:id/start': (ids) => [
    json(`/exec/${ids.exec}/start`, '{"Detach": '),
    json(`/exec/${ids.exec}/start`, { Detach: 'x' }),
    json(`/exec/${ids.exec}/start`, [1]),
    json(`/exec/${ids.exec}/start`, { Tty: 1 }),
    json(`/exec/${ids.exec}/start`, { ConsoleSize: [-1, 5] }),
  ],
  'POST /exec/:id/resize': (ids) => [{ path: `/exec/${ids.exec}/resize?h=abc&w=1` }, { path: `/exec/${ids.exec}/resize` }],
  'GET /exec/:id/json': () => [],
  'GET /containers/:id/changes': () => [],
  'GET /containers/:id/export': () => [],
  ...Object.fromEntries(['HEAD', 'GET', 'PUT'].map((m) => [`${m} /containers/:id/archive`, archiveCases(m)])),
  'POST /commit': (ids) => [
    { path: '/commit?container=nonexistent-corpus', status: 404 },
    { path: `/commit?container=${ids.stopped}&repo=UPPER` },
    { path: `/commit?container=${ids.stopped}&repo=a%00b` },
    { path: `/commit?container=${ids.stopped}&changes=BOGUS%20x` },
    { path: `/commit?container=${ids.stopped}&changes=WORKDIR%20/a%00b` },
    { path: `/commit?container=${ids.stopped}&changes=ENV%20A=b%00c` },
    json(`/commit?container=${ids.stopped}`, '{"Cmd": '),
    json(`/commit?container=${ids.stopped}`, [1]),
    json(`/commit?container=${ids.stopped}`, { Cmd: 5 }),
    json(`/commit?container=${ids.stopped}`, { Env: ['A\0B=c'] }),
  ],
  'GET /plugins': () => badFilters('/plugins?'),
  'GET /plugins/:name/json': () => [],
  'DELETE /plugins/:name': () => [],
};

function archiveCases(method: string): RouteCorpus {
  return (ids) => {
    const base = `/containers/${ids.running}/archive`;
    const body = method === 'PUT' ? Buffer.alloc(1024) : undefined;
    const cases: BadRequest[] = [
      { path: base, body, message: 'bad parameter: pathcannot be empty' },
      { path: `${base}?path=/tmp%00x`, body, message: 'lstat /tmp\0x: invalid argument' },
      { path: `${base}?path=/tmp/${LONG}`, body },
      { path: `${base}?path=/nonexistent-corpus`, body, status: 404 },
    ];
    if (method === 'PUT') {
      cases.push({ path: `${base}?path=/tmp`, body: Buffer.alloc(3000, 'z') });
      cases.push({ path: `${base}?path=/etc/passwd`, body, message: 'extraction point is not a directory' });
    }
    return cases;
  };
}

/** The swarm families answer 503 to everything, as a dockerd outside a swarm does; only what
 * the server refuses before the handler (versions, methods) is a 4xx there. */
export const SWARM_PREFIXES = ['/swarm', '/nodes', '/services', '/tasks', '/secrets', '/configs'];

export function routeKey(r: Pick<Route, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}

/** The route's corpus (this file's cases, then bad-request-corpus-engine.ts's), or undefined
 * when it has none (the test then fails). */
export function corpusFor(route: Route): RouteCorpus | undefined {
  if (SWARM_PREFIXES.some((p) => route.path === p || route.path.startsWith(`${p}/`))) return () => [];
  const own = CORPUS[routeKey(route)] as RouteCorpus | undefined;
  const more = ENGINE_CORPUS[routeKey(route)] as RouteCorpus | undefined;
  if (own === undefined || more === undefined) return own ?? more;
  return (ids) => [...own(ids), ...more(ids)];
}

export function corpusKeys(): string[] {
  return [...new Set([...Object.keys(CORPUS), ...Object.keys(ENGINE_CORPUS)])];
}

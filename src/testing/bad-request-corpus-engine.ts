// The bad-request corpus for what came after containers and images (issue 13): networks (IPAM
// pools, driver options, connects), volumes, the mounts and published ports of a create, and
// build contexts that are no tar or try to reach outside. Merged into bad-request-corpus.ts's
// table route by route. Texts are dockerd 20.10's where it refuses the same (many of them with a
// 500 there: a client's mistake is a 400 here), else berthd's own.
import { gzipSync } from 'node:zlib';
import { tarOfEntries, type TarEntry } from './tar-files.ts';
import { json, LONG, q, TAR_HEADERS, type BadRequest, type RouteCorpus } from './bad-request-cases.ts';

const subnet = (s: string) => `Invalid subnet ${s} : invalid CIDR address: ${s}`;
const create = (body: Record<string, unknown>, extra: Partial<BadRequest> = {}) => json('/networks/create', { Name: 'corpus-bad', ...body }, extra);
const pool = (config: Record<string, unknown>, extra: Partial<BadRequest> = {}) => create({ IPAM: { Config: [config] } }, extra);
const option = (name: string, value: unknown, message?: string) => create({ Options: { [name]: value } }, message ? { message } : {});

const networkCreate: RouteCorpus = () => [
  // Subnets no parser takes, IPv6 ones included.
  ...['fd00::/200', '::ffff:10.0.0.0/104', '1.2.3.4.5/16', '010.62.0.0/16', '10.61.0.0/16 ', 'fd00:3::%eth0/64', '10.0.0.0', '10.0.0.0/-1', 'fd00::1::2/64', `${LONG}/8`]
    .map((s) => pool({ Subnet: s }, { message: subnet(s) })),
  pool({ Subnet: 'a\0b' }, { message: 'invalid JSON: the string at IPAM.Config[0].Subnet contains a NUL byte' }),
  create({ IPAM: { Config: [null] } }, { message: 'an IPAM pool needs a Subnet (berthd picks one only when IPAM.Config is empty)' }),
  pool({ IPRange: '10.1.0.0/24' }, { message: 'an IPAM pool needs a Subnet (berthd picks one only when IPAM.Config is empty)' }),
  // Ranges, gateways and auxiliary addresses outside their subnet or on reserved addresses.
  pool({ Subnet: '10.211.0.0/16', IPRange: 'bogus' }, { message: 'Invalid range bogus : invalid CIDR address: bogus' }),
  pool({ Subnet: '10.211.0.0/16', IPRange: '10.212.0.0/24' }, { message: 'invalid ip-range 10.212.0.0/24: it must be within subnet 10.211.0.0/16' }),
  pool({ Subnet: '10.211.0.0/16', IPRange: '10.0.0.0/8' }, { message: 'invalid ip-range 10.0.0.0/8: it must be within subnet 10.211.0.0/16' }),
  pool({ Subnet: '10.211.0.0/16', IPRange: 'fd00::/64' }, { message: 'invalid ip-range fd00::/64: it must be within subnet 10.211.0.0/16' }),
  ...['10.214.0.1', 'bogus', 'fd00::1', '10.213.0.0/16'].map((g) => pool({ Subnet: '10.213.0.0/16', Gateway: g }, { message: `failed to allocate gateway (${g}): Requested address is out of range` })),
  ...['10.213.0.0', '10.213.255.255'].map((g) => pool({ Subnet: '10.213.0.0/16', Gateway: g }, { message: `failed to allocate gateway (${g}): Address already in use` })),
  pool({ Subnet: '10.215.0.7/32' }, { message: 'failed to allocate gateway (): No available addresses on this pool' }),
  create({ EnableIPv6: true, IPAM: { Config: [{ Subnet: 'fd00:215::/128' }] } }, { message: 'failed to allocate gateway (): No available addresses on this pool' }),
  pool({ Subnet: '10.216.0.0/16', AuxiliaryAddresses: { a: '10.9.0.1' } }, { message: 'invalid auxiliary address a=10.9.0.1: it must be an address within subnet 10.216.0.0/16' }),
  pool({ Subnet: '10.216.0.0/16', AuxiliaryAddresses: { a: 'zz' } }, { message: 'invalid auxiliary address a=zz: it must be an address within subnet 10.216.0.0/16' }),
  pool({ Subnet: '10.216.0.0/16', AuxiliaryAddresses: { a: 5 } }, { message: 'json: cannot unmarshal number into Go struct field IPAMConfig.IPAM.Config.AuxiliaryAddresses of type string' }),
  pool({ Subnet: '10.216.0.0/16', AuxiliaryAddresses: ['10.216.0.9'] }),
  // On the default gateway, the given gateway, another auxiliary address, the network address.
  pool({ Subnet: '10.216.0.0/16', AuxiliaryAddresses: { a: '10.216.0.1' } }, { message: 'failed to allocate secondary ip address (a:10.216.0.1): Address already in use' }),
  pool({ Subnet: '10.216.0.0/16', Gateway: '10.216.0.5', AuxiliaryAddresses: { a: '10.216.0.5' } }, { message: 'failed to allocate secondary ip address (a:10.216.0.5): Address already in use' }),
  pool({ Subnet: '10.216.0.0/16', AuxiliaryAddresses: { a: '10.216.0.9', b: '10.216.0.9' } }, { message: 'failed to allocate secondary ip address (b:10.216.0.9): Address already in use' }),
  pool({ Subnet: '10.216.0.0/16', AuxiliaryAddresses: { a: '10.216.0.0' } }, { message: 'failed to allocate secondary ip address (a:10.216.0.0): Address already in use' }),
  // Conflicting pools: with each other, with the default bridge's (172.17.0.0/16), IPv6 alike.
  create({ IPAM: { Config: [{ Subnet: '10.217.0.0/16' }, { Subnet: '10.217.1.0/24' }] } }, { status: 403, message: 'Pool overlaps with other one on this address space' }),
  pool({ Subnet: '172.17.5.0/24' }, { status: 403, message: 'Pool overlaps with other one on this address space' }),
  create({ EnableIPv6: true, IPAM: { Config: [{ Subnet: 'fd00:218::/64' }, { Subnet: 'fd00:218::/48' }] } }, { status: 403, message: 'Pool overlaps with other one on this address space' }),
  create({ EnableIPv6: true }, { message: 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network' }),
  // The bridge driver's options.
  option('com.docker.network.driver.mtu', 'abc', 'failed to parse com.docker.network.driver.mtu value: abc (strconv.Atoi: parsing "abc": invalid syntax)'),
  ...['-5', '99999999', '10'].map((m) => option('com.docker.network.driver.mtu', m, `invalid MTU number: ${m}`)),
  ...['enable_icc', 'enable_ip_masquerade'].map((o) => option(`com.docker.network.bridge.${o}`, 'maybe', `failed to parse com.docker.network.bridge.${o} value: maybe (strconv.ParseBool: parsing "maybe": invalid syntax)`)),
  option('com.docker.network.bridge.host_binding_ipv4', 'zz', 'failed to parse com.docker.network.bridge.host_binding_ipv4 value: zz (nil ip)'),
  option('com.docker.network.bridge.name', 'br/0', 'invalid bridge name "br/0": at most 15 letters, digits, "_", "." or "-"'),
  option('com.docker.network.bridge.name', 'berth0', undefined),
  option('x', 5, 'json: cannot unmarshal number into Go struct field NetworkCreateRequest.Options of type string'),
  // Wrong types, other drivers and scopes.
  create({ Internal: 'yes' }, { message: 'json: cannot unmarshal string into Go struct field NetworkCreateRequest.Internal of type bool' }),
  create({ EnableIPv6: 'true' }), create({ Labels: { a: ['x'] } }), create({ IPAM: 'x' }), create({ IPAM: { Options: { a: 1 } } }),
  json('/networks/create', { Name: ['a'] }), json('/networks/create', { Name: 'a\0b' }, { message: 'invalid JSON: the string at Name contains a NUL byte' }),
  create({ IPAM: { Driver: 'nope' } }, { message: 'IPAM driver "nope" is not supported: berthd has the default IPAM driver only' }),
  create({ Driver: 'macvlan' }), create({ Scope: 'swarm' }), create({ ConfigFrom: { Network: 'x' } }), create({ Ingress: true }, { status: 403 }),
  json('/networks/create', { Name: 'bridge' }, { status: 403 }),
];

const connect = (network: string, container: string, endpoint: unknown, extra: Partial<BadRequest> = {}) =>
  json(`/networks/${network}/connect`, { Container: container, EndpointConfig: endpoint }, extra);

const networkConnect: RouteCorpus = (ids) => {
  const ipam = (c: Record<string, unknown>, extra: Partial<BadRequest> = {}) => connect(ids.network, ids.running, { IPAMConfig: c }, extra);
  return [
    ipam({ IPv4Address: '10.221.0.5' }, { message: "Invalid address 10.221.0.5: It does not belong to any of this network's subnets" }),
    ipam({ IPv4Address: 'fd00::5' }, { message: "Invalid address fd00::5: It does not belong to any of this network's subnets" }),
    ...['bogus', '10.220.0.300', '10.220.0.5/24'].map((a) => ipam({ IPv4Address: a }, { message: `Invalid IPv4 address: ${a}` })),
    ...['zz', '10.220.0.5'].map((a) => ipam({ IPv6Address: a }, { message: `Invalid IPv6 address: ${a}` })),
    // The network's own address, its gateway (the range's first) and its broadcast address.
    ...['10.220.0.0', '10.220.0.128', '10.220.0.255'].map((a) => ipam({ IPv4Address: a }, { status: 409, message: 'Address already in use' })),
    ipam({ IPv4Address: 7 }), ipam({ LinkLocalIPs: '169.254.0.5' }), ipam({ LinkLocalIPs: [5] }),
    connect(ids.network, ids.running, 'x', { message: 'json: cannot unmarshal string into Go struct field NetworkConnect.EndpointConfig of type network.EndpointSettings' }),
    connect(ids.network, ids.running, { Aliases: 'a' }, { message: 'json: cannot unmarshal string into Go struct field EndpointSettings.EndpointConfig.Aliases of type []string' }),
    connect(ids.network, ids.running, { Aliases: [5] }),
    connect(ids.network, ids.running, { Aliases: ['a\0b'] }, { message: 'invalid JSON: the string at EndpointConfig.Aliases[0] contains a NUL byte' }),
    connect(ids.network, ids.running, { Links: 'x' }), connect(ids.network, ids.running, { DriverOpts: { a: 5 } }),
    connect(ids.network, ids.running, { MacAddress: 'zz' }, { message: 'invalid MAC address: zz' }),
    connect(ids.network, ids.running, { MacAddress: 'ff:ff:ff:ff:ff:ff' }, { message: "invalid MAC address: ff:ff:ff:ff:ff:ff: a multicast address cannot be an interface's" }),
    connect(ids.network, ids.running, { MacAddress: '00:00:00:00:00:00' }, { message: "invalid MAC address: 00:00:00:00:00:00: the all-zero address cannot be an interface's" }),
    connect('bridge', ids.running, { IPAMConfig: { IPv4Address: '172.17.0.50' } }, { message: 'user specified IP address is supported on user defined networks only' }),
    connect('bridge', ids.running, { Aliases: ['a'] }, { message: 'network-scoped alias is supported only for containers in user defined networks' }),
    connect('none', ids.running, {}, { message: 'container cannot be connected to multiple networks with one of the networks in private (none) mode' }),
    json(`/networks/${ids.network}/connect`, { Container: 5 }, { message: 'json: cannot unmarshal number into Go struct field NetworkConnect.Container of type string' }),
    json(`/networks/${ids.network}/connect`, { Container: 'a\0b' }),
    json(`/networks/${ids.network}/connect`, { Container: LONG }, { status: 404 }),
  ];
};

const volumeCreate: RouteCorpus = () => [
  ...[300, 5000].map((n) => json('/volumes/create', { Name: 'v'.repeat(n) }, { message: `create ${'v'.repeat(n)}: volume name is too long: ${n} characters, at most 255 are allowed` })),
  ...['a/b', '..', '-ab', '.hidden', 'a b', '../../etc'].map((n) => json('/volumes/create', { Name: n }, { message: `create ${n}: "${n}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path` })),
  json('/volumes/create', { Name: 'a\0b' }, { message: 'invalid JSON: the string at Name contains a NUL byte' }),
  json('/volumes/create', { Name: 'corpus', DriverOpts: 'x' }, { message: 'json: cannot unmarshal string into Go struct field CreateOptions.DriverOpts of type map[string]string' }),
  json('/volumes/create', { Name: 'corpus', DriverOpts: { type: 5 } }),
  json('/volumes/create', { Name: 'corpus', DriverOpts: { type: 'nfs' } }, { message: 'create corpus: missing required option: "device"' }),
  json('/volumes/create', { Name: 'corpus', DriverOpts: { o: 'bind' } }, { message: 'create corpus: missing required option: "device"' }),
  json('/volumes/create', { Name: 'corpus', DriverOpts: { device: '/a\0b' } }, { message: 'invalid JSON: the string at DriverOpts.device contains a NUL byte' }),
  json('/volumes/create', { Name: 'corpus', Labels: { a: 5 } }), json('/volumes/create', { Name: 'corpus', Driver: 5 }),
];

const hostConfig = (hc: Record<string, unknown>, extra: Partial<BadRequest> = {}, config: Record<string, unknown> = {}) =>
  json('/containers/create', { Image: 'busybox', ...config, HostConfig: hc }, extra);
const mount = (m: unknown, extra: Partial<BadRequest> = {}) => hostConfig({ Mounts: [m] }, extra);
const invalidMount = (type: string, why: string) => `invalid mount config for type "${type}": ${why}`;
const portSpec = (s: string) => `invalid port specification: ${JSON.stringify(s)}`;
const binding = (key: string, b: unknown, message?: string) => hostConfig({ PortBindings: { [key]: [b] } }, message ? { message } : {});

const containerCreate: RouteCorpus = () => [
  // Mounts: wrong types, no target, relative paths, NUL, "..", out-of-range tmpfs options.
  hostConfig({ Mounts: 'x' }, { message: 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Mounts of type []mount.Mount' }),
  hostConfig({ Mounts: [5] }), mount({ Type: 'bind', Source: '/tmp', ReadOnly: 'yes' }),
  mount({ Type: 'bind', Source: '/tmp' }, { message: invalidMount('bind', 'field Target must not be empty') }),
  mount({ Type: 'bind', Source: '/tmp', Target: 'rel' }, { message: invalidMount('bind', "invalid mount path: 'rel' mount path must be absolute") }),
  mount({ Type: 'bind', Source: 'rel', Target: '/x' }, { message: invalidMount('bind', "invalid mount path: 'rel' mount path must be absolute") }),
  mount({ Type: 'bind', Source: '/a\0b', Target: '/x' }, { message: 'invalid JSON: the string at HostConfig.Mounts[0].Source contains a NUL byte' }),
  mount({ Type: 'bind', Source: '/nonexistent-corpus/../../nonexistent-corpus', Target: '/x' }, { message: invalidMount('bind', 'bind source path does not exist: /nonexistent-corpus/../../nonexistent-corpus') }),
  ...['/', '/x/../..'].map((t) => mount({ Type: 'bind', Source: '/tmp', Target: t }, { message: invalidMount('bind', "invalid specification: destination can't be '/'") })),
  mount({ Type: 'nope', Source: '/tmp', Target: '/x' }, { message: invalidMount('nope', 'mount type unknown') }),
  mount({ Type: 'volume', Source: '../../etc', Target: '/x' }, { status: 400 }),
  mount({ Type: 'volume', Source: 'v'.repeat(300), Target: '/x' }, { status: 400 }),
  mount({ Type: 'bind', Source: '/tmp', Target: '/x', BindOptions: { Propagation: 'nope' } }, { message: invalidMount('bind', 'invalid propagation mode: nope') }),
  mount({ Type: 'bind', Source: '/tmp', Target: '/x', VolumeOptions: {} }, { message: invalidMount('bind', 'field VolumeOptions must not be specified') }),
  mount({ Type: 'tmpfs', Source: '/tmp', Target: '/x' }, { message: invalidMount('tmpfs', 'field Source must not be specified') }),
  mount({ Type: 'tmpfs', Target: '/x', TmpfsOptions: { SizeBytes: -1 } }, { message: invalidMount('tmpfs', 'invalid tmpfs size -1') }),
  mount({ Type: 'tmpfs', Target: '/x', TmpfsOptions: { SizeBytes: 1e30 } }, { message: 'json: cannot unmarshal number 1e+30 into Go struct field TmpfsOptions.HostConfig.Mounts.TmpfsOptions.SizeBytes of type int64' }),
  mount({ Type: 'tmpfs', Target: '/x', TmpfsOptions: { SizeBytes: 'big' } }),
  mount({ Type: 'tmpfs', Target: '/x', TmpfsOptions: { Mode: -1 } }, { message: 'json: cannot unmarshal number -1 into Go struct field TmpfsOptions.HostConfig.Mounts.TmpfsOptions.Mode of type fs.FileMode' }),
  mount({ Type: 'tmpfs', Target: '/x', TmpfsOptions: { Mode: 'x' } }),
  hostConfig({ Mounts: [{ Type: 'tmpfs', Target: '/x' }, { Type: 'tmpfs', Target: '/x/' }] }, { message: 'Duplicate mount point: /x/' }),
  hostConfig({ Tmpfs: { rel: '' } }, { message: "invalid mount path: 'rel' mount path must be absolute" }),
  hostConfig({ Tmpfs: { '/': '' } }, { message: "invalid specification: destination can't be '/'" }),
  hostConfig({ Tmpfs: { '/x': 'bogusopt' } }, { message: 'invalid tmpfs option "bogusopt"' }),
  ...['size=abc', 'size=-5', 'mode=999', 'uid=root', 'nr_inodes=1x'].map((o) => {
    const [name, value] = o.split('=') as [string, string];
    return hostConfig({ Tmpfs: { '/x': o } }, { message: `invalid value for tmpfs option "${name}": ${JSON.stringify(value)}` });
  }),
  hostConfig({ Binds: ['/tmp:rel'] }, { message: `invalid volume specification: '/tmp:rel': ${invalidMount('bind', "invalid mount path: 'rel' mount path must be absolute")}` }),
  hostConfig({ Binds: ['/tmp:/x:zz'] }, { message: 'invalid mode: zz' }),
  ...[':/x', 'a:b:c:d'].map((b) => hostConfig({ Binds: [b] }, { message: `invalid volume specification: '${b}'` })),
  hostConfig({ Binds: ['../../etc:/x'] }, { status: 400 }),
  // Published ports: out of bounds, reversed and malformed ranges, protocols, host addresses.
  ...['65536', 'abc', '-1', '1-0', '80-', '8000-70000', '99999999999999999999', '1-2-3'].map((p) => binding('80/tcp', { HostPort: p }, portSpec(p))),
  ...['65536', '1-0', '80-81', 'abc'].map((p) => binding(`${p}/tcp`, { HostPort: '80' }, portSpec(p))),
  binding('0/tcp', { HostPort: '80' }, portSpec('0/tcp')),
  binding('80/nope', { HostPort: '80' }, 'invalid proto: nope'),
  ...['bogus', '300.1.1.1', '1.2.3'].map((ip) => binding('80/tcp', { HostIp: ip, HostPort: '80' }, `invalid host IP address for a port binding: ${ip}`)),
  binding('80/tcp', { HostIp: 'a\0b', HostPort: '80' }, 'invalid JSON: the string at HostConfig.PortBindings.80/tcp[0].HostIp contains a NUL byte'),
  binding('80/tcp', { HostPort: 80 }, 'json: cannot unmarshal number into Go struct field PortBinding.HostConfig.PortBindings.HostPort of type string'),
  hostConfig({ PortBindings: { '80/tcp': { HostPort: '80' } } }, { message: 'json: cannot unmarshal object into Go struct field HostConfig.HostConfig.PortBindings of type []network.PortBinding' }),
  hostConfig({ PublishAllPorts: 'yes' }),
  ...['0/tcp', '65536/tcp', '1-0/tcp', 'abc'].map((k) => hostConfig({}, { message: portSpec(k) }, { ExposedPorts: { [k]: {} } })),
  hostConfig({}, { message: 'invalid proto: nope' }, { ExposedPorts: { '80/nope': {} } }),
  // Extra hosts: no name, no address.
  ...['bad', ':1.2.3.4'].map((h) => hostConfig({ ExtraHosts: [h] }, { message: `bad format for add-host: ${JSON.stringify(h)}` })),
  ...['a:notanip', 'a:'].map((h) => hostConfig({ ExtraHosts: [h] }, { message: `invalid IP address in add-host: ${JSON.stringify(h.slice(2))}` })),
];

// Build contexts. Every name in these tars is refused or kept inside the context; a case that
// was taken would stream a 200 (the judge then fails it).
type Entry = TarEntry;
const tarOf = tarOfEntries;
const DF = (text: string): Entry => ({ name: 'Dockerfile', data: text });
const build = (body: Buffer, extra: Partial<BadRequest> = {}, query = ''): BadRequest => ({ path: `/build${query}`, body, headers: TAR_HEADERS, ...extra });
const okTar = tarOf([DF('FROM busybox\n')]);

const buildCases: RouteCorpus = () => [
  build(Buffer.from('this is not a tar archive, '.repeat(100)), { message: 'the build context is not a valid tar archive: header checksum mismatch (not an uncompressed tar?)' }),
  build(gzipSync(okTar).subarray(0, 40), { message: 'gzip: unexpected end of file' }),
  build(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(100, 7)])),
  build(okTar.subarray(0, 700), { status: 400 }),
  build(tarOf([DF('FROM busybox\n'), { name: 'dev', type: '3' }]), { message: 'the build context may hold files, directories and links only: "dev" is a char' }),
  // A hard link can only name what the context holds; a file through a symlinked directory
  // would land outside it: both refused, nothing written.
  build(tarOf([DF('FROM busybox\n'), { name: 'h', type: '1', linkname: '/etc/shadow' }]), { status: 400, message: /^link / }),
  build(tarOf([DF('FROM busybox\n'), { name: 'h', type: '1', linkname: '../../../etc/shadow' }]), { status: 400, message: /^link / }),
  build(tarOf([DF('FROM busybox\n'), { name: 'd', type: '2', linkname: '/tmp' }, { name: 'd/corpus-escape.txt', data: 'x' }]), { status: 400 }),
  build(tarOf([DF('FROM busybox\n'), { name: 'x'.repeat(300), data: 'x' }]), { status: 400, message: /file name too long/ }),
  // The Dockerfile: a link out, a directory, too big, too many steps, an endless FROM chain.
  build(tarOf([{ name: 'Dockerfile', type: '2', linkname: '/etc/passwd' }]), { message: 'Cannot locate specified Dockerfile: Dockerfile' }),
  build(tarOf([{ name: 'Dockerfile', type: '5' }]), { message: 'Cannot locate specified Dockerfile: Dockerfile' }),
  build(okTar, { message: 'forbidden path outside the build context: ../../etc/passwd ()' }, '?dockerfile=../../etc/passwd'),
  build(okTar, { message: 'Cannot locate specified Dockerfile: /etc/shadow' }, '?dockerfile=/etc/shadow'),
  build(okTar, { message: 'Cannot locate specified Dockerfile: a\0b' }, '?dockerfile=a%00b'),
  build(tarOf([DF(`FROM busybox\n${'# padding\n'.repeat(110_000)}`)]), { message: /^the Dockerfile \(Dockerfile\) is too large: 1100013 bytes, at most 1048576 are read$/ }),
  build(tarOf([DF(`FROM busybox\n${'LABEL a=b\n'.repeat(1000)}`)]), { message: 'Dockerfile:1001: too many instructions: 1001, at most 1000 are built' }),
  build(tarOf([DF(Array.from({ length: 5000 }, (_, i) => (i ? `FROM s${i} AS s${i + 1}\n` : 'FROM busybox AS s1\n')).join(''))]), { message: /too many instructions: 5000/ }),
  // Build args that no URL carries: the HTTP layer's 431, before any body (none is sent: one
  // still being written when the server closes would make the exchange end in a reset).
  build(Buffer.alloc(0), {}, `?buildargs=${q({ A: 'x'.repeat(100_000) })}`),
];

export const ENGINE_CORPUS: Record<string, RouteCorpus> = {
  'POST /networks/create': networkCreate,
  'POST /networks/:id/connect': networkConnect,
  'POST /networks/:id/disconnect': (ids) => [
    json(`/networks/${ids.network}/disconnect`, { Container: 5 }, { message: 'json: cannot unmarshal number into Go struct field NetworkDisconnect.Container of type string' }),
    json(`/networks/${ids.network}/disconnect`, { Container: ids.running }, { message: /^container [0-9a-f]{64} is not connected to network corpus-net$/ }),
  ],
  'DELETE /networks/:id': () => [{ path: '/networks/host', status: 403 }, { path: '/networks/bridge', status: 403 }],
  'POST /volumes/create': volumeCreate,
  'POST /containers/create': containerCreate,
  'POST /build': buildCases,
  'GET /system/df': () => [{ path: '/system/df?type=a%00b', message: 'unknown object type: a\0b' }, { path: '/system/df?type=image&type=nope', message: 'unknown object type: nope' }],
};

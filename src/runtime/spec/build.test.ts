// buildSpec against dockerd's defaults and the HostConfig knobs that change them.
import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import assert from 'node:assert/strict';
import { buildSpec, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './build.ts';
import { DEFAULT_CAPABILITIES } from './caps.ts';
import { bindMount, tmpfsMount } from './mounts.ts';
import { deviceFromPath } from './resources.ts';
import { TEST_HOST } from './test-host.ts';
import type { OciSpec, SpecInput } from './types.ts';

const ID = 'c0ffee0123456789abcdef';
const spec = (over: Partial<SpecInput> = {}): OciSpec =>
  buildSpec({ id: ID, rootfs: '/var/lib/berth/rootfs', args: ['sh'], host: TEST_HOST, ...over });
const mount = (s: OciSpec, dest: string) => s.mounts.find((m) => m.destination === dest);
const nsTypes = (s: OciSpec) => s.linux.namespaces.map((n) => n.type);

test('defaults follow dockerd', () => {
  const s = spec();
  assert.deepEqual(nsTypes(s), ['mount', 'network', 'uts', 'pid', 'ipc']);
  assert.equal(s.hostname, 'c0ffee012345');
  assert.deepEqual(s.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=c0ffee012345']);
  assert.equal(s.process.cwd, '/');
  assert.equal(s.process.terminal, false);
  assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0] });
  assert.deepEqual(s.process.capabilities.effective, [...DEFAULT_CAPABILITIES]);
  assert.deepEqual(s.process.capabilities.bounding, [...DEFAULT_CAPABILITIES]);
  assert.equal(s.process.capabilities.inheritable, undefined);
  assert.equal(s.process.rlimits, undefined);
  assert.equal(s.process.noNewPrivileges, undefined);
  assert.deepEqual(s.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
  assert.deepEqual(mount(s, '/dev/shm')!.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']);
  assert.ok(mount(s, '/sys')!.options!.includes('ro'));
  assert.deepEqual(s.linux.maskedPaths, DEFAULT_MASKED_PATHS);
  assert.deepEqual(s.linux.readonlyPaths, DEFAULT_READONLY_PATHS);
  assert.equal(s.linux.cgroupsPath, `/berth/${ID}`);
  assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' });
  assert.deepEqual(s.linux.devices, []);
  const rules = s.linux.resources.devices!;
  assert.deepEqual(rules[0], { allow: false, access: 'rwm' });
  assert.deepEqual(rules.filter((r) => r.allow).map((r) => `${r.major}:${r.minor}`), ['1:5', '1:3', '1:9', '1:8', '5:0', '5:1']);
  assert.deepEqual(rules.at(-1), { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' });
  assert.equal(s.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.root.readonly, false);
});

test('tty, env overrides and unsets, cwd, domainname', () => {
  const s = spec({ tty: true, env: ['PATH=/bin', 'A=1', 'HOSTNAME', 'A=2'], cwd: '/work', domainname: 'example.org' });
  assert.deepEqual(s.process.env, ['PATH=/bin', 'TERM=xterm', 'A=2']);
  assert.equal(s.process.terminal, true);
  assert.equal(s.process.cwd, '/work');
  assert.equal(s.linux.sysctl!['kernel.domainname'], 'example.org');
});

test('network modes', () => {
  const h = spec({ network: 'host' });
  assert.ok(!nsTypes(h).includes('network'));
  assert.equal(h.hostname, 'buildhost');
  assert.deepEqual(h.linux.sysctl, {});
  assert.throws(() => spec({ network: 'host', sysctls: { 'net.core.somaxconn': '1024' } }), /host's network namespace/);
  const p = spec({ network: { netnsPath: '/run/berth/netns/x' }, sysctls: { 'net.core.somaxconn': '1024' } });
  assert.deepEqual(p.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/berth/netns/x' });
  assert.equal(p.linux.sysctl!['net.core.somaxconn'], '1024');
  // Another container's namespace (container:<id>) keeps its owner's settings, dockerd's defaults
  // included: that namespace may be the host's (the owner on --network host), where runc refuses them.
  const own = spec({ network: { netnsPath: '/run/berth/netns/x' } });
  const joined = spec({ network: { netnsPath: '/proc/1/ns/net', joined: true } });
  assert.deepEqual(joined.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/proc/1/ns/net' });
  assert.deepEqual([Object.keys(joined.linux.sysctl ?? {}).filter((k) => k.startsWith('net.')), Object.keys(own.linux.sysctl ?? {}).some((k) => k.startsWith('net.'))], [[], true]);
});

test('uts, pid, ipc and cgroup namespace modes', () => {
  const u = spec({ uts: 'host' });
  assert.equal(u.hostname, undefined);
  assert.ok(!nsTypes(u).includes('uts'));
  assert.throws(() => spec({ uts: 'host', hostname: 'x' }), /hostname and the UTS mode/);
  assert.ok(!nsTypes(spec({ pid: 'host' })).includes('pid'));
  assert.equal(mount(spec({ ipc: 'none' }), '/dev/shm'), undefined);
  const ih = spec({ ipc: 'host' });
  assert.ok(!nsTypes(ih).includes('ipc'));
  assert.deepEqual(mount(ih, '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  assert.throws(() => spec({ ipc: 'host', sysctls: { 'kernel.shmmax': '1' } }), /IPC namespace/);
  assert.ok(nsTypes(spec({ host: { ...TEST_HOST, cgroupV2: true } })).includes('cgroup'));
  assert.equal(mount(spec({ shmSize: 1024 }), '/dev/shm')!.options!.at(-1), 'size=1024');
});

test('sysctls must be namespaced', () => {
  assert.throws(() => spec({ sysctls: { 'vm.swappiness': '0' } }), (e: Error & { kind?: string }) =>
    e.kind === 'invalid-parameter' && /vm.swappiness.*not namespaced/.test(e.message));
  assert.throws(() => spec({ sysctls: { 'kernel.pid_max': '1' } }), /not namespaced/);
  const s = spec({ sysctls: { 'kernel.shmmax': '1', 'kernel.msgmax': '2', 'kernel.sem': '1 2 3 4', 'fs.mqueue.msg_max': '9' } });
  assert.equal(s.linux.sysctl!['fs.mqueue.msg_max'], '9');
});

test('privileged: all capabilities, no masks, writable /sys, no seccomp, all devices', () => {
  const s = spec({ privileged: true });
  assert.equal(s.process.capabilities.effective.length, 41);
  assert.equal(s.linux.maskedPaths, undefined);
  assert.equal(s.linux.readonlyPaths, undefined);
  assert.equal(s.linux.seccomp, undefined);
  assert.ok(!mount(s, '/sys')!.options!.includes('ro'));
  assert.ok(!mount(s, '/sys/fs/cgroup')!.options!.includes('ro'));
  assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.ok(s.linux.devices.some((d) => d.path === '/dev/null' && d.major === 1 && d.minor === 3));
  // a profile named explicitly still applies
  assert.ok(spec({ privileged: true, securityOpt: ['seccomp=builtin'] }).linux.seccomp);
});

test('security options', () => {
  assert.equal(spec({ securityOpt: ['seccomp=unconfined'] }).linux.seccomp, undefined);
  assert.equal(spec({ securityOpt: ['seccomp:unconfined'] }).linux.seccomp, undefined);
  assert.equal(spec({ securityOpt: ['no-new-privileges'] }).process.noNewPrivileges, true);
  assert.equal(spec({ securityOpt: ['no-new-privileges=false'] }).process.noNewPrivileges, undefined);
  assert.throws(() => spec({ securityOpt: ['bogus'] }), /invalid --security-opt 1: "bogus"/);
  assert.throws(() => spec({ securityOpt: ['no-new-privileges=maybe'] }), /invalid --security-opt 2/);
  assert.ok(!mount(spec({ securityOpt: ['writable-cgroups=true'] }), '/sys/fs/cgroup')!.options!.includes('ro'));
  const custom = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ERRNO' }] });
  assert.deepEqual(spec({ securityOpt: [`seccomp=${custom}`] }).linux.seccomp, {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ERRNO' }],
  });
  assert.deepEqual(spec({ maskedPaths: [], readonlyPaths: [] }).linux.maskedPaths, undefined);
});

test('read-only rootfs and user mounts', () => {
  const ro = spec({ readonlyRootfs: true });
  assert.equal(ro.root.readonly, true);
  assert.ok(mount(ro, '/sys/fs/cgroup')!.options!.includes('ro'));
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue']) assert.ok(!mount(ro, d)!.options!.includes('ro'), d);

  const s = spec({
    mounts: [
      bindMount({ source: '/srv/data/sub', destination: '/data/sub', readOnly: true }),
      bindMount({ source: '/srv/data', destination: '/data', propagation: 'rslave' }),
      tmpfsMount('/dev/shm', 'size=1m'),
    ],
  });
  assert.deepEqual(s.mounts.slice(-3).map((m) => m.destination), ['/data', '/data/sub', '/dev/shm']);
  assert.deepEqual(mount(s, '/dev/shm')!.options, ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=1m']);
  assert.deepEqual(mount(s, '/data/sub')!.options, ['rbind', 'ro', 'rprivate']);
  assert.equal(s.linux.rootfsPropagation, 'rslave');
  const dev = spec({ mounts: [bindMount({ source: '/dev', destination: '/dev' })] });
  assert.deepEqual(dev.mounts.map((m) => m.destination), ['/proc', '/sys', '/sys/fs/cgroup', '/dev']);
});

test('tmpfs options merge as moby does', () => {
  assert.deepEqual(tmpfsMount('/run', 'exec,size=1m,size=2m,mode=700').options, ['nosuid', 'nodev', 'rprivate', 'exec', 'size=2m', 'mode=700']);
  assert.throws(() => tmpfsMount('/run', 'bogus=1'), /invalid tmpfs option "bogus"/);
  assert.throws(() => bindMount({ source: '/a', destination: '/b', propagation: 'weird' }), /invalid propagation mode/);
});

test('init runs as pid 1 only in a private pid namespace', () => {
  const s = spec({ init: '/usr/bin/tini', args: ['top', '-b'] });
  assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', 'top', '-b']);
  assert.deepEqual(mount(s, '/sbin/docker-init'), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini', options: ['bind', 'ro'] });
  assert.deepEqual(spec({ init: '/usr/bin/tini', pid: 'host' }).process.args, ['sh']);
});

test('cgroup resources', () => {
  const s = spec({
    resources: { Memory: 64 << 20, MemoryReservation: 32 << 20, NanoCpus: 1.5e9, CpuShares: 512, CpusetCpus: '0', PidsLimit: 100, BlkioWeight: 300 },
    cgroupParent: '/custom/',
    oomScoreAdj: 500,
  });
  assert.deepEqual(s.linux.resources.memory, { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20 });
  assert.deepEqual(s.linux.resources.cpu, { shares: 512, cpus: '0', period: 100000, quota: 150000 });
  assert.deepEqual(s.linux.resources.pids, { limit: 100 });
  assert.equal(s.linux.resources.blockIO, undefined); // the kernel takes no weight: discarded, as dockerd
  assert.equal(s.linux.cgroupsPath, `/custom/${ID}`);
  assert.equal(s.process.oomScoreAdj, 500);
  const w = spec({ resources: { BlkioWeight: 300, MemorySwap: -1, Memory: 8 << 20, PidsLimit: 0 }, host: { ...TEST_HOST, blkioWeight: true } });
  assert.deepEqual(w.linux.resources.blockIO, { weight: 300 });
  assert.deepEqual(w.linux.resources.memory, { limit: 8 << 20 });
  assert.deepEqual(w.linux.resources.pids, { limit: -1 });
  // Checked before the spec (daemon/containers/resource-rules.ts); here they are only translated.
  const disk = readdirSync('/dev').map((n) => deviceFromPath(`/dev/${n}`)).find((d) => d?.type === 'b');
  assert.ok(disk, 'this machine has a block device under /dev');
  const rt = spec({ resources: { CpuRealtimePeriod: 1000000, CpuRealtimeRuntime: 5000, BlkioDeviceReadBps: [{ Path: disk.path, Rate: 1048576 }] } });
  assert.deepEqual(rt.linux.resources.cpu, { realtimePeriod: 1000000, realtimeRuntime: 5000 });
  assert.deepEqual(rt.linux.resources.blockIO, { throttleReadBpsDevice: [{ major: disk.major, minor: disk.minor, rate: 1048576 }] });
  assert.throws(() => spec({ resources: { BlkioDeviceWriteIOps: [{ Path: '/dev/null', Rate: 5 }] } }), /invalid device "\/dev\/null": not a block device/);
});

test('devices and device cgroup rules', () => {
  const s = spec({ devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rw' }], deviceCgroupRules: ['c 42:* rmw', 'b 8:0 r'] });
  assert.deepEqual(s.linux.devices.map((d) => [d.path, d.type, d.major, d.minor]), [['/dev/mynull', 'c', 1, 3]]);
  assert.deepEqual(s.linux.resources.devices!.slice(-3), [
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' },
    { allow: true, type: 'c', major: 42, minor: -1, access: 'rmw' },
    { allow: true, type: 'b', major: 8, minor: 0, access: 'r' },
  ]);
  assert.throws(() => spec({ deviceCgroupRules: ['x 1:2 r'] }), /invalid device cgroup rule format: 'x 1:2 r'/);
  assert.throws(() => spec({ devices: [{ PathOnHost: '/etc/passwd' }] }), /not a device node/);
  assert.throws(() => spec({ devices: [{ PathOnHost: '/dev/berth-no-such-device' }] }), /"\/dev\/berth-no-such-device": no such file or directory$/);
});

test('annotations and console size pass through', () => {
  const s = spec({ annotations: { 'org.example': 'x' }, tty: true, consoleSize: { height: 24, width: 80 } });
  assert.deepEqual(s.annotations, { 'org.example': 'x' });
  assert.deepEqual(s.process.consoleSize, { height: 24, width: 80 });
});

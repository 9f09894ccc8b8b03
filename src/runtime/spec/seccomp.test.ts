// The default seccomp profile's shape and its capability/arch/kernel-conditional expansion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CAPABILITIES } from './caps.ts';
import { DEFAULT_SECCOMP_PROFILE } from './seccomp-profile.ts';
import { defaultSeccomp, setupSeccomp } from './seccomp.ts';
import type { OciSeccomp } from './types.ts';

const ctx = (over: { arch?: string; kernel?: [number, number]; bounding?: string[] } = {}) => ({
  arch: 'x64', kernel: [6, 1] as [number, number], bounding: [...DEFAULT_CAPABILITIES], ...over,
});
const allowed = (s: OciSeccomp) => new Set(s.syscalls!.filter((c) => c.action === 'SCMP_ACT_ALLOW' && !c.args).flatMap((c) => c.names));

test('the data module is the full default profile', () => {
  const p = DEFAULT_SECCOMP_PROFILE;
  assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(p.defaultErrnoRet, 1);
  assert.ok(p.syscalls![0]!.names!.length > 350, 'the big allowlist');
  assert.deepEqual(p.archMap!.find((a) => a.architecture === 'SCMP_ARCH_X86_64')!.subArchitectures, ['SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  const capGroups = p.syscalls!.flatMap((r) => r.includes?.caps ?? []);
  for (const c of ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_MODULE', 'CAP_SYS_BOOT', 'CAP_SYS_TIME', 'CAP_SYSLOG', 'CAP_BPF']) {
    assert.ok(capGroups.includes(c), c);
  }
});

test('default container: allowlist, x86 arch map, clone namespace filter, clone3 ENOSYS', () => {
  const s = defaultSeccomp(ctx());
  assert.equal(s.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.defaultErrnoRet, 1);
  assert.deepEqual(s.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  const ok = allowed(s);
  for (const c of ['read', 'write', 'openat', 'execve', 'arch_prctl', 'modify_ldt', 'chroot', 'ptrace']) assert.ok(ok.has(c), c);
  for (const c of ['mount', 'umount2', 'unshare', 'setns', 'swapon', 'reboot', 'init_module', 'bpf', 'syslog', 'kcmp']) {
    assert.ok(!ok.has(c), c);
  }
  const clone = s.syscalls!.filter((c) => c.names.includes('clone'));
  assert.deepEqual(clone, [{ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }] }]);
  assert.deepEqual(s.syscalls!.find((c) => c.names.includes('clone3')), { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  assert.ok(!ok.has('s390_runtime_instr') && !ok.has('riscv_flush_icache') && !ok.has('set_tls'));
});

test('capabilities open their groups', () => {
  const s = defaultSeccomp(ctx({ bounding: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_SYS_MODULE', 'CAP_SYSLOG'] }));
  const ok = allowed(s);
  for (const c of ['mount', 'umount2', 'unshare', 'setns', 'clone', 'clone3', 'init_module', 'syslog']) assert.ok(ok.has(c), c);
  assert.ok(!s.syscalls!.some((c) => c.names.includes('clone') && c.args), 'no clone filter with CAP_SYS_ADMIN');
  assert.ok(!s.syscalls!.some((c) => c.action === 'SCMP_ACT_ERRNO'));
  assert.ok(!allowed(defaultSeccomp(ctx({ bounding: ['CAP_CHOWN'] }))).has('chroot'));
});

test('architecture and kernel conditions', () => {
  const arm = defaultSeccomp(ctx({ arch: 'arm64' }));
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.ok(allowed(arm).has('set_tls') && !allowed(arm).has('arch_prctl'));
  assert.ok(!allowed(defaultSeccomp(ctx({ kernel: [4, 4] }))).has('ptrace'), 'ptrace only from 4.8 without CAP_SYS_PTRACE');
  assert.ok(allowed(defaultSeccomp(ctx({ kernel: [4, 4], bounding: ['CAP_SYS_PTRACE'] }))).has('ptrace'));
});

test('custom profiles: old name form, refusals', () => {
  const s = setupSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ name: 'mount', action: 'SCMP_ACT_ERRNO' }] }, ctx());
  assert.deepEqual(s, { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ERRNO' }] });
  assert.throws(() => setupSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ERRNO' }] }, ctx()), /both 'name' and 'names'/);
  assert.throws(() => setupSeccomp({ defaultAction: 'X', architectures: ['a'], archMap: [{ architecture: 'a', subArchitectures: null }] }, ctx()), /both 'architectures' and 'archMap'/);
  assert.equal(setupSeccomp({ defaultAction: '' }, ctx()), undefined);
});

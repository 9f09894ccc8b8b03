// Turning a Docker-format seccomp profile (the default one, or a custom one passed as
// `--security-opt seccomp=<json>`) into the OCI filter for this host and container: the archMap
// entry of the host's architecture, and only the rules whose includes/excludes match the
// container's bounding capabilities, the architecture and the kernel — as moby/profiles does.
import { invalidParameter } from '../../api/types/errors.ts';
import { DEFAULT_SECCOMP_PROFILE } from './seccomp-profile.ts';
import type { OciSeccomp, OciSeccompArg, OciSyscall } from './types.ts';

export interface SeccompFilter { caps?: string[]; arches?: string[]; minKernel?: string }
export interface SeccompRule {
  names?: string[];
  name?: string; // the deprecated single-name form still found in old profiles
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures: string[] | null }[];
  flags?: string[];
  syscalls?: SeccompRule[];
}

/** node's process.arch → libseccomp's native name (the names rules' `arches` use). */
const NODE_TO_NATIVE: Record<string, string> = {
  x64: 'amd64', ia32: 'x86', arm: 'arm', arm64: 'arm64', loong64: 'loongarch64', mips: 'mips',
  mipsel: 'mipsel', ppc: 'ppc', ppc64: 'ppc64le', riscv64: 'riscv64', s390: 's390', s390x: 's390x',
};
/** libseccomp native name → the SCMP_ARCH_ constant archMap entries use. */
const NATIVE_TO_SCMP: Record<string, string> = {
  x86: 'SCMP_ARCH_X86', amd64: 'SCMP_ARCH_X86_64', arm: 'SCMP_ARCH_ARM', arm64: 'SCMP_ARCH_AARCH64',
  loongarch64: 'SCMP_ARCH_LOONGARCH64', mips64: 'SCMP_ARCH_MIPS64', mipsel: 'SCMP_ARCH_MIPSEL',
  ppc: 'SCMP_ARCH_PPC', ppc64: 'SCMP_ARCH_PPC64', ppc64le: 'SCMP_ARCH_PPC64LE',
  riscv64: 'SCMP_ARCH_RISCV64', s390: 'SCMP_ARCH_S390', s390x: 'SCMP_ARCH_S390X',
};

export interface SeccompContext {
  arch: string; // node's process.arch
  kernel: [number, number];
  bounding: readonly string[]; // the container's bounding capabilities
}

function kernelAtLeast(kernel: [number, number], min: string): boolean {
  const [maj, minor] = min.split('.').map(Number) as [number, number];
  return kernel[0] > maj || (kernel[0] === maj && kernel[1] >= minor);
}

/** The OCI filter for one container; undefined for a profile that asks for nothing. */
export function setupSeccomp(profile: SeccompProfile, ctx: SeccompContext): OciSeccomp | undefined {
  if (!profile.defaultAction && !profile.syscalls?.length) return undefined;
  if (profile.architectures?.length && profile.archMap?.length) {
    throw invalidParameter("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  const arch = NODE_TO_NATIVE[ctx.arch] ?? ctx.arch;
  const out: OciSeccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  if (profile.flags?.length) out.flags = [...profile.flags];
  const architectures = [...(profile.architectures ?? [])];
  const entry = profile.archMap?.find((a) => a.architecture === NATIVE_TO_SCMP[arch]);
  if (entry) architectures.push(entry.architecture, ...(entry.subArchitectures ?? []));
  if (architectures.length) out.architectures = architectures;

  const syscalls: OciSyscall[] = [];
  for (const rule of profile.syscalls ?? []) {
    if (rule.name && rule.names?.length) {
      throw invalidParameter("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
    }
    const ex = rule.excludes;
    if (ex?.arches?.includes(arch)) continue;
    if (ex?.caps?.some((c) => ctx.bounding.includes(c))) continue;
    if (ex?.minKernel && kernelAtLeast(ctx.kernel, ex.minKernel)) continue;
    const inc = rule.includes;
    if (inc?.arches?.length && !inc.arches.includes(arch)) continue;
    if (inc?.caps?.some((c) => !ctx.bounding.includes(c))) continue;
    if (inc?.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel)) continue;
    const call: OciSyscall = { names: rule.name ? [rule.name] : [...(rule.names ?? [])], action: rule.action };
    if (rule.errnoRet !== undefined) call.errnoRet = rule.errnoRet;
    if (rule.args?.length) call.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(call);
  }
  out.syscalls = syscalls;
  return out;
}

export function defaultSeccomp(ctx: SeccompContext): OciSeccomp {
  return setupSeccomp(DEFAULT_SECCOMP_PROFILE, ctx)!;
}

/**
 * The container's filter from its `seccomp=` security option, as dockerd's WithSeccomp:
 * `unconfined` → none; privileged → none unless a profile was named; `builtin`/absent → the
 * default profile; anything else is the profile's JSON text (the CLI reads the file).
 */
export function seccompFor(option: string | undefined, privileged: boolean, ctx: SeccompContext): OciSeccomp | undefined {
  if (option === 'unconfined') return undefined;
  if (option === undefined) return privileged ? undefined : defaultSeccomp(ctx);
  if (option === 'builtin') return defaultSeccomp(ctx); // asked for by name: even when privileged
  let profile: SeccompProfile;
  try {
    profile = JSON.parse(option) as SeccompProfile;
  } catch (err) {
    throw invalidParameter(`Decoding seccomp profile failed: ${(err as Error).message}`);
  }
  return setupSeccomp(profile, ctx);
}

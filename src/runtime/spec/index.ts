// Docker container configuration → OCI runtime spec for runc. See build.ts for the walk through
// dockerd's createSpec; the other modules hold one rule each.
export { buildSpec, CONTAINER_INIT_PATH, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './build.ts';
export { resolveCommand, mergeEnv, processEnv, DEFAULT_PATH_ENV } from './command.ts';
export type { CommandRequest } from './command.ts';
export { resolveUser } from './user.ts';
export type { ResolvedUser } from './user.ts';
export { resolveInRoot, readFileInRoot } from './rootfs-path.ts';
export { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES, tweakCapabilities, normalizeCapabilities } from './caps.ts';
export { defaultSeccomp, setupSeccomp, seccompFor } from './seccomp.ts';
export type { SeccompProfile, SeccompRule } from './seccomp.ts';
export { DEFAULT_SECCOMP_PROFILE } from './seccomp-profile.ts';
export { parseSecurityOpt } from './security-opt.ts';
export { buildRlimits, validateSysctls, specJson } from './limits.ts';
export { bindMount, tmpfsMount, DEFAULT_SHM_SIZE } from './mounts.ts';
export { hostInfo } from './host.ts';
export type * from './types.ts';

// A fixed host for unit tests, so what they expect does not depend on the machine running them.
import type { HostInfo } from './types.ts';

export const TEST_HOST: HostInfo = {
  arch: 'x64',
  kernel: [6, 1],
  nofileHardLimit: 20000,
  capLastCap: 40,
  capBounding: (1n << 41n) - 1n, // every capability, whatever the machine running the tests may give
  hostname: 'buildhost',
  cgroupV2: false,
  blkioWeight: false,
  swapLimit: true,
  sysctls: ['net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'],
  thermalThrottlePaths: [],
};

// GET /info as older API versions saw it: fields the version history says were removed are put
// back (with their "not supported" values) for clients that still read them.
import { versionLessThan } from '../types/version.ts';

export function shapeInfo(info: Record<string, unknown>, version: string): Record<string, unknown> {
  const out = { ...info };
  if (versionLessThan(version, '1.50')) {
    out.BridgeNfIptables = false;
    out.BridgeNfIp6tables = false;
  }
  if (versionLessThan(version, '1.49')) {
    for (const key of ['ContainerdCommit', 'RuncCommit', 'InitCommit']) {
      const commit = out[key] as { ID: string } | undefined;
      if (commit) out[key] = { ...commit, Expected: commit.ID };
    }
    const reg = out.RegistryConfig as Record<string, unknown> | undefined;
    if (reg) out.RegistryConfig = { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, ...reg };
  }
  if (versionLessThan(version, '1.42')) {
    out.KernelMemory = false;
    out.KernelMemoryTCP = false;
  }
  if (versionLessThan(version, '1.40')) {
    out.ClusterStore = '';
    out.ClusterAdvertise = '';
  }
  if (versionLessThan(version, '1.44')) {
    delete out.CDISpecDirs;
    // Runtime.status came with 1.44.
    const runtimes = out.Runtimes as Record<string, Record<string, unknown>> | undefined;
    if (runtimes) out.Runtimes = Object.fromEntries(Object.entries(runtimes).map(([n, { status: _, ...r }]) => [n, r]));
  }
  return out;
}

// Every prerequisite of a rootless berthd, in the order `check` prints them.
import type { Finding } from './findings.ts';
import type { SetupPaths, SetupUser } from './paths.ts';
import { idMapCheck, programsCheck, rootCheck, subIdChecks, type IdFiles } from './checks-ids.ts';
import { overlayCheck, tunCheck, userNamespaceCheck } from './checks-kernel.ts';
import { hostNotes, runtimeDirCheck } from './checks-env.ts';

export interface CheckContext {
  user: SetupUser;
  paths: SetupPaths;
  idFiles?: IdFiles;
}

export function runChecks(ctx: CheckContext): Finding[] {
  const root = rootCheck(ctx.user);
  // As root nothing else means anything: whose ids, whose session?
  if (root.status === 'missing') return [root];
  return [
    root,
    ...subIdChecks(ctx.user, ctx.idFiles),
    idMapCheck(),
    programsCheck(),
    userNamespaceCheck(),
    tunCheck(),
    overlayCheck(ctx.paths.dataRoot),
    runtimeDirCheck(ctx.user, ctx.paths.runtimeDir),
    ...hostNotes(),
  ];
}

// The policy engine as the daemon starts it: the policy read and checked, and the peer
// credential reader loaded, before any socket listens — a daemon told to enforce a policy that
// it cannot read, or whose clients it cannot identify, does not start rather than start open.
import { join } from 'node:path';
import { Authorizer, type AuditSettings } from './authorizer.ts';
import { AuditLog } from './audit-log.ts';
import type { Policy } from './policy.ts';
import type { Logger } from '../lib/logger.ts';
import { readPolicyFile } from './policy-file.ts';
import { PeerCredentialReader } from './peer-credentials.ts';

export function loadAuthorizer(file: string, dataRoot: string, logger: Logger): Authorizer {
  const policy = readPolicyFile(file);
  let peers: PeerCredentialReader;
  try {
    peers = PeerCredentialReader.load();
  } catch (err) {
    throw new Error(`authorization policy ${file} needs the peer credentials of unix sockets, which cannot be read here: ${(err as Error).message}`);
  }
  return new Authorizer(policy, peers, auditFor(policy, dataRoot, logger));
}

/** The audit log a policy asks for; the running one is kept when its file and rotation stay. */
export function auditFor(policy: Policy, dataRoot: string, logger: Logger, running?: AuditSettings): AuditSettings {
  const a = policy.audit;
  const file = a.file ?? join(dataRoot, 'authz', 'audit.log');
  const same = running && running.log.options.file === file && running.log.options.maxSize === a.maxSize && running.log.options.maxFile === a.maxFile;
  const log = same ? running.log : new AuditLog({ file, maxSize: a.maxSize, maxFile: a.maxFile }, logger);
  if (running && !same) void running.log.close();
  return { log, allRequests: a.allRequests };
}

/** SIGHUP: the policy file read again; a broken one keeps the running policy, and says why.
 * Connections stay open: the next request is decided by the new rules. */
export function reloadPolicy(authorizer: Authorizer, dataRoot: string, logger: Logger): void {
  const file = authorizer.policy.file;
  try {
    const policy = readPolicyFile(file);
    authorizer.replace(policy, auditFor(policy, dataRoot, logger, authorizer.audit));
    logger.info('Reloaded authorization policy', { file, rules: policy.rules.length });
  } catch (err) {
    logger.error('Error reloading authorization policy; keeping the running one', { file, error: (err as Error).message });
  }
}

// The policy engine as the daemon starts it: the policy read and checked, and the peer
// credential reader loaded, before any socket listens — a daemon told to enforce a policy that
// it cannot read, or whose clients it cannot identify, does not start rather than start open.
//
// The reader is needed only by rules that name users or groups. Without one such a rule could
// never match, and a later rule (say `"anyone": true` read-only, after root's "all") would
// silently decide for everyone: so a policy naming users or groups where peers cannot be read
// (an architecture whose option numbers berthd does not know, koffi missing) is a start-up
// error, and a reload to such a policy is refused. A policy of certificates and sockets alone
// runs without it; its audit lines then carry no uid.
import { join } from 'node:path';
import { Authorizer, type AuditSettings, type ExistingContainers } from './authorizer.ts';
import { AuditLog } from './audit-log.ts';
import { ruleLabel, ruleNamingPeers, type Policy } from './policy.ts';
import type { Logger } from '../lib/logger.ts';
import { readPolicyFile } from './policy-file.ts';
import { PeerCredentialReader } from './peer-credentials.ts';
import { logFailure } from '../lib/log-failure.ts';

export { daemonContainers } from './existing-containers.ts';

export interface AuthorizerOptions {
  /** The containers a request acts on, for rules with limits (authorizer.ts). */
  containers?: ExistingContainers;
  /** PeerCredentialReader.load, or a test's stand-in. */
  loadPeers?: () => PeerCredentialReader;
}

export function loadAuthorizer(file: string, dataRoot: string, logger: Logger, opts: AuthorizerOptions = {}): Authorizer {
  const policy = readPolicyFile(file);
  const peers = loadPeers(opts.loadPeers ?? (() => PeerCredentialReader.load()));
  if (typeof peers === 'string') {
    checkIdentifiable(policy, peers);
    logger.warn('peer credentials of unix sockets cannot be read; the policy names no user or group, but audit lines will carry no uid', { reason: peers });
  }
  return new Authorizer(policy, typeof peers === 'string' ? undefined : peers, auditFor(policy, dataRoot, logger), opts.containers);
}

/** berthd --validate: the file, and whether this berthd could identify whom it names. */
export function validatePolicy(file: string): Policy {
  const policy = readPolicyFile(file);
  if (ruleNamingPeers(policy)) {
    const peers = loadPeers(() => PeerCredentialReader.load());
    if (typeof peers === 'string') checkIdentifiable(policy, peers);
  }
  return policy;
}

/** The reader, or why there is none. */
function loadPeers(load: () => PeerCredentialReader): PeerCredentialReader | string {
  try {
    return load();
  } catch (err) {
    return (err as Error).message;
  }
}

function checkIdentifiable(policy: Policy, why: string): void {
  const rule = ruleNamingPeers(policy);
  if (rule) {
    throw new Error(`authorization policy ${policy.file}: ${ruleLabel(rule, policy)} names unix users or groups, which berthd identifies by the peer credentials of unix sockets (SO_PEERCRED), and those cannot be read here: ${why}`);
  }
}

/** The audit log a policy asks for; the running one is kept when its file and rotation stay. */
export function auditFor(policy: Policy, dataRoot: string, logger: Logger, running?: AuditSettings): AuditSettings {
  const a = policy.audit;
  const file = a.file ?? join(dataRoot, 'authz', 'audit.log');
  const same = running && running.log.options.file === file && running.log.options.maxSize === a.maxSize && running.log.options.maxFile === a.maxFile;
  const log = same ? running.log : new AuditLog({ file, maxSize: a.maxSize, maxFile: a.maxFile }, logger);
  if (running && !same) void running.log.close().catch(logFailure(logger, 'closing the previous audit log', { level: 'warn' }));
  return { log, allRequests: a.allRequests };
}

/** SIGHUP: the policy file read again; a broken one keeps the running policy, and says why.
 * Connections stay open: the next request is decided by the new rules. */
export function reloadPolicy(authorizer: Authorizer, dataRoot: string, logger: Logger): void {
  const file = authorizer.policy.file;
  try {
    const policy = readPolicyFile(file);
    if (!authorizer.identifiesPeers) checkIdentifiable(policy, 'they could not when berthd started');
    authorizer.replace(policy, auditFor(policy, dataRoot, logger, authorizer.audit));
    logger.info('Reloaded authorization policy', { file, rules: policy.rules.length });
  } catch (err) {
    logger.error('Error reloading authorization policy; keeping the running one', { file, error: (err as Error).message });
  }
}

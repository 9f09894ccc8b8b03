// The policy engine as the daemon starts it: the policy read and checked, and the peer
// credential reader loaded, before any socket listens — a daemon told to enforce a policy that
// it cannot read, or whose clients it cannot identify, does not start rather than start open.
import { Authorizer } from './authorizer.ts';
import { readPolicyFile } from './policy-file.ts';
import { PeerCredentialReader } from './peer-credentials.ts';

export function loadAuthorizer(file: string): Authorizer {
  const policy = readPolicyFile(file);
  let peers: PeerCredentialReader;
  try {
    peers = PeerCredentialReader.load();
  } catch (err) {
    throw new Error(`authorization policy ${file} needs the peer credentials of unix sockets, which cannot be read here: ${(err as Error).message}`);
  }
  return new Authorizer(policy, peers);
}

// The door's judgement of an existing container, without a daemon: a rule with limits may not
// start someone's privileged exec, nor act on a container outside its limits; reading it is
// allowed; a rule that allows "all" is never asked. Audit lines name the exec's container.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Authorizer } from './authorizer.ts';
import { parsePolicy } from './policy-file.ts';
import type { Existing, ExistingContainers } from './existing-containers.ts';
import type { AuditLog } from './audit-log.ts';
import type { AuditEntry } from './audit-entry.ts';

const policy = parsePolicy(JSON.stringify({
  rules: [
    { name: 'admin', who: { sockets: ['tcp://127.0.0.1:1'] }, allow: ['all'] },
    { name: 'ci', who: { sockets: ['tcp://127.0.0.1:2'] }, allow: ['containers', 'exec'] },
  ],
}, null, 2), 'p.json', { users: new Map(), groups: new Map() });

const made = (privileged: boolean): Existing => ({
  name: privileged ? 'rootpriv' : 'plain',
  request: { image: 'busybox', imageNames: ['docker.io/library/busybox:latest'], config: {}, hostConfig: { Privileged: privileged }, mounts: [] },
});
const containers: ExistingContainers = {
  container: (ref) => (ref === 'rootpriv' || ref === 'plain' ? made(ref === 'rootpriv') : undefined),
  // exec "e-priv" is a privileged exec in the plain container
  ofExec: (id) => (id === 'e-priv' ? { ...made(false), request: { ...made(false).request, hostConfig: { Privileged: true } } } : id === 'e-plain' ? made(false) : undefined),
};
const lines: AuditEntry[] = [];
const log = { record: (e: AuditEntry) => void lines.push(e) } as unknown as AuditLog;
const authorizer = new Authorizer(policy, undefined, { log, allRequests: false }, containers);

function ask(port: number, method: string, path: string, params: Record<string, string>, query = '') {
  const req = { socket: {}, url: path } as unknown as IncomingMessage;
  return authorizer.authorize({ req, method, path, params, query: new URLSearchParams(query), address: `tcp://127.0.0.1:${port}` });
}

test('a rule with limits may not act on a container outside them, nor start a privileged exec', () => {
  assert.throws(() => ask(2, 'POST', '/containers/:id/start', { id: 'rootpriv' }), /authorization denied by rule "ci" \(line 14 of p\.json\): container rootpriv is outside the rule's limits: privileged containers are not allowed/);
  assert.throws(() => ask(2, 'POST', '/exec/:id/start', { id: 'e-priv' }), /exec e-priv is outside the rule's limits: privileged containers are not allowed/);
  assert.deepEqual(lines.map((l) => [l.route, l.object, l.container, l.decision, l.status]), [
    ['POST /containers/:id/start', 'rootpriv', undefined, 'deny', 403],
    ['POST /exec/:id/start', 'e-priv', 'plain', 'deny', 403],
  ]);
});

test('within its limits, reading, unknown names and "all" pass the door', () => {
  lines.length = 0;
  ask(2, 'POST', '/exec/:id/start', { id: 'e-plain' }).finish(200);
  ask(2, 'POST', '/containers/:id/stop', { id: 'plain' }).finish(204);
  ask(2, 'GET', '/containers/:id/logs', { id: 'rootpriv' }).finish(200); // reading: not audited by default
  ask(2, 'POST', '/containers/:id/stop', { id: 'nosuch' }).finish(404); // the handler's 404
  ask(1, 'POST', '/containers/:id/start', { id: 'rootpriv' }).finish(204);
  assert.deepEqual(lines.map((l) => [l.route, l.container, l.decision, l.rule, l.status]), [
    ['POST /exec/:id/start', 'plain', 'allow', 'ci', 200],
    ['POST /containers/:id/stop', undefined, 'allow', 'ci', 204],
    ['POST /containers/:id/stop', undefined, 'allow', 'ci', 404],
    ['POST /containers/:id/start', undefined, 'allow', 'admin', 204],
  ]);
});

test('a container named in a body is asked about by its handler, and named in the line', () => {
  lines.length = 0;
  const { guard, finish } = ask(2, 'POST', '/containers/:id/exec', { id: 'plain' });
  assert.throws(() => guard.otherContainer('rootpriv'), /container rootpriv is outside the rule's limits/);
  finish(403);
  assert.deepEqual(lines.map((l) => [l.object, l.container, l.decision, l.reason]), [['plain', 'rootpriv', 'deny', "container rootpriv is outside the rule's limits: privileged containers are not allowed"]]);
});

test('a prune under a rule with limits leaves the containers the rule may not act on', () => {
  assert.deepEqual(['rootpriv', 'plain', 'nosuch'].map((c) => ask(2, 'POST', '/containers/prune', {}).guard.mayActOn(c)), [false, true, true]);
  assert.equal(ask(1, 'POST', '/containers/prune', {}).guard.mayActOn('rootpriv'), true);
});

// The policy file is read as strictly as daemon.json: every problem at once, each with its file,
// line and (for a typo) the nearest valid word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../daemon/config/errors.ts';
import { parsePolicy } from './policy-file.ts';
import type { UnixNames } from './unix-names.ts';

const names: UnixNames = { users: new Map([['root', 0], ['alice', 1001]]), groups: new Map([['berth-monitor', 990], ['wheel', 10]]) };
const problems = (text: string): readonly string[] => {
  try {
    parsePolicy(text, 'p.json', names);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  assert.fail('the policy was accepted');
};

test('a valid policy: names resolved to ids, defaults for limits, "all" unlimited', () => {
  const p = parsePolicy(JSON.stringify({
    rules: [
      { name: 'root', who: { users: ['root'] }, allow: ['all'] },
      { name: 'mon', who: { groups: ['berth-monitor', 4242], sockets: ['/run/mon.sock'] }, allow: ['read-only'] },
      { name: 'ci', who: { certificates: [{ cn: 'ci' }] }, allow: ['containers'], limits: { memory: '1.5g', cpus: 0.5, capabilities: ['cap_net_admin'] } },
    ],
  }, null, 2), 'p.json', names);
  assert.deepEqual(p.rules.map((r) => [r.name, r.line, r.all]), [['root', 3], ['mon', 14], ['ci', 29]].map(([n, l]) => [n, l, n === 'root']));
  assert.deepEqual(p.rules[1]!.who.groups, [990, 4242]);
  assert.deepEqual(p.rules[1]!.who.sockets, ['unix:///run/mon.sock']);
  const ci = p.rules[2]!.limits;
  assert.deepEqual([ci.privileged, ci.hostNamespaces, ci.bindPaths, ci.devices], [false, false, [], []]);
  assert.deepEqual([ci.memory, ci.nanoCpus, ci.capabilities], [1.5 * 1024 ** 3, 5e8, ['NET_ADMIN']]);
});

test('typos get the nearest word, with the line', () => {
  const text = '{\n "rules": [\n  { "name": "a",\n    "who": { "grups": ["wheel"] },\n    "allow": ["containres"],\n    "limits": { "privilegd": true } }\n ]\n}';
  assert.deepEqual(problems(text), [
    'invalid value for "rules[0].allow[0]" at line 5 of p.json: unknown class "containres"; did you mean "containers"? (classes: read-only, containers, images, networks, volumes, exec, build, system, all)',
  ]);
  assert.match(problems(text.replace('"containres"', '"containers"')).join('\n'), /unknown key "rules\[0\]\.who\.grups" at line 4 of p\.json; did you mean "groups"\?/);
  assert.match(problems(text.replace('"containres"', '"containers"').replace('grups', 'groups')).join('\n'), /unknown key "rules\[0\]\.limits\.privilegd" at line 6 of p\.json; did you mean "privileged"\?/);
});

test('unknown users and groups are refused, with the nearest name on this host', () => {
  const all = problems(JSON.stringify({ rules: [{ name: 'm', who: { groups: ['berth-monitr'] }, allow: ['read-only'] }] })).join('\n');
  assert.match(all, /invalid value for "rules\[0\]\.who\.groups\[0\]" at line 1 of p\.json: no group "berth-monitr" on this host; did you mean "berth-monitor"\?/);
});

test('every rule\'s problem is reported at once (the first of each rule)', () => {
  const text = JSON.stringify({
    rules: [
      { name: 'a', who: {}, allow: ['read-only'] },
      { name: 'b', who: { anyone: true }, allow: ['all'], limits: { privileged: false } },
      { name: 'a', who: { anyone: true }, allow: [] },
      { who: { anyone: true }, allow: ['exec'] },
      { name: 'c', who: { anyone: true }, allow: ['containers'], limits: { memory: 'lots', 'bind-paths': ['srv'], images: ['Bad Name'] } },
    ],
    auditt: {},
  }, null, 1);
  const all = problems(text);
  const want = [/unknown key "auditt" at line \d+ of p\.json; did you mean "audit"\?/, /"rules\[0\]\.who".*name who the rule is for/, /"all" is root on the host: it takes no limits/,
    /"rules\[2\]\.allow".*non-empty list/, /"rules\[3\]" at line 29 .*every rule needs a "name"/, /"rules\[4\]\.limits\.bind-paths\[0\]".*expected an absolute path/];
  for (const re of want) assert.ok(all.some((p) => re.test(p)), `${re} in:\n${all.join('\n')}`);
});

test('a rule name given twice is refused', () => {
  const all = problems(JSON.stringify({ rules: [{ name: 'a', who: { anyone: true }, allow: ['exec'] }, { name: 'a', who: { anyone: true }, allow: ['build'] }] }, null, 1));
  assert.match(all.join('\n'), /rule "a" is already given at line 3/);
});

test('syntax errors and an empty policy', () => {
  assert.match(problems('{"rules": [}')[0]!, /^invalid JSON in p\.json at line 1, column 12/);
  assert.match(problems('{"rules": []}')[0]!, /"rules" at line 1 of p\.json: expected a non-empty array of rules/);
  assert.match(problems('[]')[0]!, /expected an object, got array/);
});

test('limits: bytes, cpus, image patterns', () => {
  const limits = (l: unknown) => problems(JSON.stringify({ rules: [{ name: 'c', who: { anyone: true }, allow: ['containers'], limits: l }] })).join('\n');
  assert.match(limits({ memory: 'lots' }), /expected bytes above 0/);
  assert.match(limits({ cpus: 0 }), /expected a number of CPUs above 0/);
  assert.match(limits({ pids: 1.5 }), /expected an integer above 0/);
  assert.match(limits({ images: ['Bad Name'] }), /"rules\[0\]\.limits\.images\[0\]".*invalid reference format/);
  assert.match(limits({ labels: { team: 1 } }), /expected a string \("\*" for any value\)/);
});

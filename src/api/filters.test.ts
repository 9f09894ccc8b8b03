// `filters` over the wire: every route that takes them refuses a malformed one with a 400 and
// a message (dockerd 20.10 answers most of these with 500, and before this fix berthd dropped a
// value of the wrong shape — so `prune` with `{"label":{"a":"b"}}` removed every stopped
// container). Through the API and the docker CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { requires } from '../testing/requires.ts';
import { BerthError, statusOfKind } from './types/errors.ts';

const f = useBusyboxDaemon();
const dockerSkip = requires('docker');

/** The routes that take `filters`, with a name each knows. Search is left out: its valid
 * filters go to a registry. */
const ROUTES: [string, string, string][] = [
  ['GET', '/containers/json', 'label'],
  ['POST', '/containers/prune', 'label'],
  ['GET', '/images/json', 'label'],
  ['POST', '/images/prune', 'label'],
  ['GET', '/events', 'label'],
  ['GET', '/plugins', 'capability'],
];

async function answer(method: string, path: string, filters: string): Promise<{ status: number; message: string }> {
  const query: Record<string, string> = { filters, ...(path === '/events' && { since: '0', until: '1' }) };
  try {
    const res = await f.d.client().api.request(method, path, { query });
    res.resume();
    return { status: res.statusCode ?? 0, message: '' };
  } catch (err) {
    // The client turns an error status back into its kind; the kind gives the status again.
    if (!(err instanceof BerthError)) throw err;
    return { status: statusOfKind(err.kind), message: err.message };
  }
}

test('every route with filters: a malformed value is a 400 with a message, a good one passes', async () => {
  for (const [method, path, name] of ROUTES) {
    for (const [filters, message] of [
      [`{"${name}":{"a":"b"}}`, `invalid filter '${name}': {"a":"b"} is neither a list of values (["v"]) nor a set of values ({"v":true})`],
      [`{"${name}":"a"}`, `invalid filter '${name}': "a" is neither a list of values (["v"]) nor a set of values ({"v":true})`],
      ['[]', 'invalid filter: filters must be a JSON object such as {"label":["a=b"]}, not an array'],
      [`{"${name}":["a"],"x":{"b":true}}`, 'invalid filter: values must be all lists (["v"]) or all sets ({"v":true}), not both'],
      ['{"bogus":["x"]}', "invalid filter 'bogus'"],
    ]) {
      assert.deepEqual(await answer(method, path, filters!), { status: 400, message }, `${method} ${path} ${filters}`);
    }
    const broken = await answer(method, path, '{');
    assert.equal(broken.status, 400, `${method} ${path} {`);
    assert.match(broken.message, /^invalid filter: filters is not valid JSON: /);
    for (const good of [`{"${name}":["zz-none"]}`, `{"${name}":{"zz-none":true}}`, 'null']) {
      assert.equal((await answer(method, path, good)).status, 200, `${method} ${path} ${good}`);
    }
  }
});

test('the swarm lists check the shape before answering that this is no manager', async () => {
  for (const path of ['/nodes', '/services', '/tasks', '/secrets', '/configs']) {
    assert.equal((await answer('GET', path, '{"name":{"a":"b"}}')).status, 400, path);
    assert.equal((await answer('GET', path, '{"name":["a"]}')).status, 503, path);
  }
});

test('prune with a filter of the wrong shape removes nothing; the set form removes only what matches', async () => {
  const containers = f.d.client().containers;
  const labelled = await containers.create({ Image: 'busybox', Cmd: ['true'], Labels: { a: 'b' } });
  const plain = await containers.create({ Image: 'busybox', Cmd: ['true'] });
  assert.equal((await answer('POST', '/containers/prune', '{"label":{"a":"b"}}')).status, 400);
  const ids = async () => (await containers.list({ all: true })).map((c) => c.Id).sort();
  assert.deepEqual(await ids(), [labelled.Id, plain.Id].sort(), 'both containers are still there');
  // A set's false still names the value (dockerd's Get): it narrows the prune, never widens it.
  const pruned = await f.d.client().api.json<{ ContainersDeleted: string[] }>('POST', '/containers/prune', { query: { filters: '{"label":{"a=b":false}}' } });
  assert.deepEqual(pruned.ContainersDeleted, [labelled.Id]);
  assert.deepEqual(await ids(), [plain.Id]);
  await containers.remove(plain.Id, { force: true });
});

test('the docker CLI: a filter name the route does not know is refused, label filters narrow a prune', { skip: dockerSkip }, async () => {
  for (const args of [['ps', '--filter', 'bogus=x'], ['images', '--filter', 'bogus=x'], ['container', 'prune', '-f', '--filter', 'bogus=x'], ['image', 'prune', '-f', '--filter', 'bogus=x']]) {
    const r = await f.docker(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, /invalid filter 'bogus'/, args.join(' '));
  }
  const keep = (await f.docker(['create', '--label', 'keep=1', 'busybox', 'true'])).stdout.trim();
  const drop = (await f.docker(['create', '--label', 'drop=1', 'busybox', 'true'])).stdout.trim();
  const r = await f.docker(['container', 'prune', '-f', '--filter', 'label=drop=1']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.match(/[0-9a-f]{64}/g), [drop]);
  assert.equal((await f.docker(['ps', '-aq', '--no-trunc'])).stdout.trim(), keep, 'only the labelled container went');
  await f.docker(['rm', keep]);
});

// ContainerAttachments with small recording attachments: the order of set-ups and tear-downs,
// the merge of their additions, a failed tearDown logged and retried (before the next setUp,
// and by the tearDown restore makes), adopt and removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerAttachments, mergeAdditions, type RunAttachment, type SpecAdditions } from './attachments.ts';
import type { ContainerRow } from '../../store/containers.ts';
import { createLogger } from '../../lib/logger.ts';

const row = (id: string) => ({ id, name: `/${id}`, hostConfig: {}, config: {} }) as unknown as ContainerRow;

function recording(name: string, calls: string[], o: { additions?: SpecAdditions; failTearDowns?: number; failAdopt?: boolean } = {}): RunAttachment {
  let failures = o.failTearDowns ?? 0;
  return {
    name,
    async setUp(c) {
      calls.push(`${name}.setUp(${c.id})`);
      return o.additions ?? {};
    },
    async tearDown(c) {
      calls.push(`${name}.tearDown(${c.id})`);
      if (failures > 0) {
        failures--;
        throw new Error(`${name} tearDown refused`);
      }
    },
    async adopt(c) {
      calls.push(`${name}.adopt(${c.id})`);
      if (o.failAdopt) throw new Error(`${name} adopt refused`);
    },
    async removed(c, opts) {
      calls.push(`${name}.removed(${c.id},${opts.removeVolumes})`);
    },
  };
}

function logCapture(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('debug', (s) => void lines.push(s)), lines };
}

test('setUp runs in order and merges the additions; tearDown and removed run in reverse', async () => {
  const calls: string[] = [];
  const mount = { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind'] };
  const a = new ContainerAttachments([
    recording('net', calls, { additions: { netnsPath: '/run/netns/n1', env: ['A=1'] } }),
    recording('vol', calls, { additions: { mounts: [mount], env: ['B=2'] } }),
  ]);
  const c = row('c1');
  assert.deepEqual(await a.setUp(c), { netnsPath: '/run/netns/n1', env: ['A=1', 'B=2'], mounts: [mount] });
  await a.tearDown(c);
  await a.removed(c, { removeVolumes: true });
  assert.deepEqual(calls, ['net.setUp(c1)', 'vol.setUp(c1)', 'vol.tearDown(c1)', 'net.tearDown(c1)', 'vol.removed(c1,true)', 'net.removed(c1,true)']);
});

test('a failed tearDown is logged at warn, the others still run, and it is retried before the next setUp', async () => {
  const calls: string[] = [];
  const { logger, lines } = logCapture();
  const a = new ContainerAttachments([recording('net', calls), recording('vol', calls, { failTearDowns: 1 })], { logger });
  const c = row('c2');
  await a.tearDown(c); // never rejects
  assert.deepEqual(calls, ['vol.tearDown(c2)', 'net.tearDown(c2)']);
  assert.ok(lines.some((l) => /level=warn/.test(l) && /tearDown of vol/.test(l) && /c2/.test(l) && /vol tearDown refused/.test(l)), lines.join(''));
  assert.deepEqual(a.pendingTearDowns('c2'), ['vol']);
  calls.length = 0;
  await a.setUp(c);
  assert.deepEqual(calls, ['vol.tearDown(c2)', 'net.setUp(c2)', 'vol.setUp(c2)'], 'only the failed one is retried, before any setUp');
  assert.deepEqual(a.pendingTearDowns('c2'), []);
  calls.length = 0;
  await a.setUp(c);
  assert.deepEqual(calls, ['net.setUp(c2)', 'vol.setUp(c2)'], 'nothing left to retry');
});

test('a retry that fails again does not stop the start, and stays pending', async () => {
  const calls: string[] = [];
  const a = new ContainerAttachments([recording('vol', calls, { failTearDowns: 2 })]);
  const c = row('c3');
  await a.tearDown(c);
  await a.setUp(c);
  assert.deepEqual(calls, ['vol.tearDown(c3)', 'vol.tearDown(c3)', 'vol.setUp(c3)']);
  assert.deepEqual(a.pendingTearDowns('c3'), ['vol']);
  await a.tearDown(c); // the run's end: this one succeeds
  assert.deepEqual(a.pendingTearDowns('c3'), []);
});

test('restore: a new daemon tears down every stopped container (the last daemon\'s failures included) and adopts running ones', async () => {
  const calls: string[] = [];
  const { logger, lines } = logCapture();
  const first = new ContainerAttachments([recording('net', calls, { failTearDowns: 1 })], { logger });
  await first.tearDown(row('s1')); // failed; the daemon then goes away, and its memory with it
  const next = new ContainerAttachments([recording('net', calls, { failAdopt: true })], { logger });
  calls.length = 0;
  // What lifecycle-restore.ts does: tearDown for each stopped container, adopt for each running one.
  await next.tearDown(row('s1'));
  await next.adopt(row('r1')); // a failed adopt is logged, never thrown: the container runs on
  assert.deepEqual(calls, ['net.tearDown(s1)', 'net.adopt(r1)']);
  assert.deepEqual(next.pendingTearDowns('s1'), []);
  assert.ok(lines.some((l) => /level=warn/.test(l) && /adopt of net/.test(l) && /r1/.test(l)), lines.join(''));
});

test('removed forgets a pending tearDown', async () => {
  const calls: string[] = [];
  const a = new ContainerAttachments([recording('vol', calls, { failTearDowns: 1 })]);
  await a.tearDown(row('c4'));
  await a.removed(row('c4'), { removeVolumes: false });
  assert.deepEqual(a.pendingTearDowns('c4'), []);
  assert.deepEqual(calls, ['vol.tearDown(c4)', 'vol.removed(c4,false)']);
});

test('a failed setUp rejects (the caller\'s failed start tears down)', async () => {
  const calls: string[] = [];
  const failing: RunAttachment = { ...recording('net', calls), setUp: async () => Promise.reject(new Error('no address left')) };
  const a = new ContainerAttachments([failing, recording('vol', calls)]);
  await assert.rejects(a.setUp(row('c5')), /no address left/);
  assert.deepEqual(calls, [], 'later attachments are not set up');
});

test('mergeAdditions refuses two different network namespaces', () => {
  assert.deepEqual(mergeAdditions([{ netnsPath: '/run/netns/a' }, { netnsPath: '/run/netns/a' }]), { netnsPath: '/run/netns/a' });
  assert.throws(() => mergeAdditions([{ netnsPath: '/run/netns/a' }, { netnsPath: '/run/netns/b' }]), /disagree/);
});

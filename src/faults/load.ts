// The mixed concurrent load: `clients` loops, each doing create, start, stop, rm -f, top, logs,
// inspect and list on containers picked from one shared pool, for a bounded time. Sharing the
// pool is the point: one client's rm -f lands while another's start, top or logs is under way,
// and containers that exit by themselves (short commands, --rm) race with both.
import type { BerthClient } from '../client/index.ts';
import { attempt, type Outcome } from './outcome.ts';
import { Tally } from './stats.ts';

export interface LoadOptions {
  clients: number;
  durationMs: number;
  image: string;
}

export interface LoadResult {
  ops: Tally;
  /** 5xx answers and requests that got no answer, with what they were. */
  findings: string[];
  /** GET /containers/json?all=1 round trips, in ms. */
  listMs: number[];
  /** Every container id a create answered with. */
  created: Set<string>;
}

const COMMANDS = [
  ['sleep', '30'],
  ['sh', '-c', 'while :; do echo tick; sleep 0.1; done'],
  ['true'],
  ['sh', '-c', 'sleep 0.3'],
  ['sh', '-c', 'echo bye; exit 3'],
];

type Op = 'create' | 'start' | 'stop' | 'rm' | 'top' | 'logs' | 'inspect' | 'list';
const WEIGHTS: [Op, number][] = [['create', 15], ['start', 15], ['stop', 8], ['rm', 12], ['top', 10], ['logs', 10], ['inspect', 10], ['list', 20]];
/** Above this many containers in the pool, creates give way to removals. */
const POOL_MAX = 40;

export async function mixedLoad(client: BerthClient, opts: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { ops: new Tally(), findings: [], listMs: [], created: new Set() };
  const pool: string[] = [];
  const deadline = Date.now() + opts.durationMs;
  const worker = async () => {
    while (Date.now() < deadline) await step(client, opts, pool, result);
  };
  await Promise.all(Array.from({ length: opts.clients }, worker));
  return result;
}

async function step(client: BerthClient, opts: LoadOptions, pool: string[], result: LoadResult): Promise<void> {
  let op = pick();
  if (op === 'create' && pool.length >= POOL_MAX) op = 'rm';
  const id = pool[Math.floor(Math.random() * pool.length)];
  if (op !== 'create' && op !== 'list' && id === undefined) op = 'create';
  const started = performance.now();
  const { value, outcome } = await attempt(() => run(client, op, id!, opts.image));
  if (op === 'list' && outcome.label === 'ok') result.listMs.push(performance.now() - started);
  if (op === 'create' && typeof value === 'string') {
    pool.push(value);
    result.created.add(value);
  }
  if (op === 'rm' && (outcome.label === 'ok' || outcome.label === '404')) drop(pool, id!);
  if (outcome.label === '404' && op !== 'rm') drop(pool, id!);
  record(result, op, outcome);
}

function run(client: BerthClient, op: Op, id: string, image: string): Promise<unknown> {
  const c = client.containers;
  switch (op) {
    case 'create': {
      const cmd = COMMANDS[Math.floor(Math.random() * COMMANDS.length)];
      const autoRemove = Math.random() < 0.15;
      return c.create({ Image: image, Cmd: cmd, HostConfig: { AutoRemove: autoRemove } }).then((r) => r.Id);
    }
    case 'start': return c.start(id);
    case 'stop': return c.stop(id, 1);
    case 'rm': return c.remove(id, { force: true });
    case 'top': return c.top(id);
    case 'logs': return c.logs(id, { tail: '20' }).then(drain);
    case 'inspect': return c.inspect(id);
    case 'list': return c.list({ all: true });
  }
}

async function drain(res: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of res) void _;
}

function pick(): Op {
  const total = WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let r = Math.random() * total;
  for (const [op, w] of WEIGHTS) if ((r -= w) < 0) return op;
  return 'list';
}

function drop(pool: string[], id: string): void {
  const i = pool.indexOf(id);
  if (i >= 0) pool.splice(i, 1);
}

function record(result: LoadResult, op: Op, outcome: Outcome): void {
  result.ops.add(`${op} ${outcome.label}`);
  if (outcome.finding) result.findings.push(`${op}: ${outcome.finding}`);
}

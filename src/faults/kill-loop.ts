// The SIGKILL loop: a few clients create, start and remove containers, import images and tag
// them; at a random moment berthd is SIGKILLed; a new berthd starts on the same directories and
// must come up, keep what it acknowledged (ledger.ts), show nothing half made and leave nothing
// behind for containers that are gone (checks.ts). Bounded: `iterations` kills.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { BerthClient } from '../client/index.ts';
import { importImage } from '../testing/api.ts';
import type { FaultDaemon } from './fault-daemon.ts';
import { Ledger } from './ledger.ts';
import { attempt } from './outcome.ts';
import { checkLeftovers, checkStagingEmpty, checkWhole } from './checks.ts';
import { Tally } from './stats.ts';
import { killRound } from './kill-round.ts';

export interface KillLoopOptions {
  iterations: number;
  clients: number;
  /** The id of the image containers are made from. */
  image: string;
  /** Progress lines. */
  say: (line: string) => void;
}

export interface KillLoopResult {
  ledger: Ledger;
  ops: Tally;
  findings: string[];
}

type Op = 'create' | 'start' | 'rm' | 'import' | 'tag';
const WEIGHTS: [Op, number][] = [['create', 30], ['start', 25], ['rm', 20], ['import', 10], ['tag', 15]];
/** Above this many containers, creates give way to removals. */
const MAX_CONTAINERS = 24;

export async function killLoop(fd: FaultDaemon, opts: KillLoopOptions): Promise<KillLoopResult> {
  const result: KillLoopResult = { ledger: new Ledger(), ops: new Tally(), findings: [] };
  let serial = 0;
  for (let i = 1; i <= opts.iterations; i++) {
    const client = fd.client();
    const failed = await killRound(fd, opts.clients, 150 + Math.random() * 1350, (killed) => step(client, opts.image, result, killed, `k${i}-${serial++}`));
    if (failed) {
      result.findings.push(`kill ${i}: ${failed}`);
      return result;
    }
    const found = [
      ...(await result.ledger.verify(fd.client())),
      ...checkStagingEmpty(fd.dataRoot),
      ...(await checkWhole(fd.client(), fd.dataRoot)),
      ...(await checkLeftovers(fd, fd.client(), result.ledger.seen, false)),
    ];
    result.findings.push(...found.map((f) => `kill ${i}: ${f}`));
    opts.say(`kill ${i}/${opts.iterations}: back in ${Math.round(fd.startMs.at(-1)!)} ms, ${result.ledger.present().length} containers, ${found.length} findings`);
  }
  return result;
}

/** One operation; its answer goes into the ledger, and no answer (the kill) makes it uncertain. */
async function step(client: BerthClient, base: string, r: KillLoopResult, killed: () => boolean, name: string): Promise<void> {
  const pool = r.ledger.present();
  let op = pick();
  if (op === 'create' && pool.length >= MAX_CONTAINERS) op = 'rm';
  const id = pool[Math.floor(Math.random() * pool.length)];
  if ((op === 'start' || op === 'rm') && id === undefined) op = 'create';
  const images = [base, ...r.ledger.images.keys()];
  const tag = { ref: `faults/tagged:${name}`, to: images[Math.floor(Math.random() * images.length)]! };
  const { value, outcome } = await attempt(() => run(client, op, id!, base, tag, name));
  r.ops.add(`${op} ${outcome.label}`);
  const answered = outcome.label !== 'error';
  if (outcome.finding && !(killed() && !answered)) r.findings.push(`${op}: ${outcome.finding}`);
  const ok = outcome.label === 'ok';
  if (op === 'create' && typeof value === 'string') r.ledger.created(value);
  if (op === 'start' && (ok || !answered)) r.ledger.started(id!, answered);
  if (op === 'rm' && (ok || !answered)) r.ledger.removed(id!, answered);
  if (op === 'import' && typeof value === 'string') r.ledger.imported(value);
  if (op === 'tag' && (ok || !answered)) r.ledger.tagged(tag.ref, tag.to, answered);
}

function run(client: BerthClient, op: Op, id: string, base: string, tag: { ref: string; to: string }, name: string): Promise<unknown> {
  switch (op) {
    case 'create':
      return client.containers.create({ Image: base, Cmd: ['sleep', '1000'] }).then((res) => res.Id);
    case 'start':
      return client.containers.start(id);
    case 'rm':
      return client.containers.remove(id, { force: true });
    case 'import':
      return importImage(client.api, smallTar(), { repo: 'faults/imported', tag: name });
    case 'tag':
      return client.images.tag(tag.to, 'faults/tagged', name);
  }
}

/** A one-file layer with content of its own, so every import writes a new layer. */
function smallTar(): Readable {
  const p = pack();
  p.on('error', () => undefined); // cut off by the kill: the request's failure says so
  p.entry({ name: 'data', mode: 0o644 }, randomBytes(2048));
  p.finalize();
  return p as unknown as Readable;
}

function pick(): Op {
  const total = WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let x = Math.random() * total;
  for (const [op, w] of WEIGHTS) if ((x -= w) < 0) return op;
  return 'create';
}


// The SIGKILL loop over what came after containers and images: a few clients create, connect,
// disconnect and remove networks, run containers with a copied-up volume, with a published port
// or on a user network, build a small multi-step Dockerfile, push to and pull from a loopback
// registry; at a random moment berthd is SIGKILLed and started again on the same directories.
// After each restart: what was acknowledged is there and whole (ledger.ts, service-ledger.ts),
// nothing is half made (checks.ts), and nothing is left in the kernel (kernel-leftovers.ts) or
// of builds (service-checks.ts).
import type { FaultDaemon } from './fault-daemon.ts';
import { Ledger } from './ledger.ts';
import { ServiceLedger } from './service-ledger.ts';
import { attempt } from './outcome.ts';
import { checkLeftovers, checkStagingEmpty, checkWhole } from './checks.ts';
import { checkKernel, type OwnNetworks } from './kernel-leftovers.ts';
import { checkBuildContainers, checkNamespaceLinks, checkPortsAnswer } from './service-checks.ts';
import * as ops from './service-ops.ts';
import { Tally } from './stats.ts';
import { killRound } from './kill-round.ts';

export interface ServiceLoopOptions {
  iterations: number;
  clients: number;
  env: Omit<ops.Env, 'client'>;
  own: OwnNetworks;
  say: (line: string) => void;
}

export interface ServiceLoopResult {
  ledger: Ledger;
  services: ServiceLedger;
  ops: Tally;
  findings: string[];
}

type Op = 'net-create' | 'net-rm' | 'connect' | 'disconnect' | 'run-net' | 'run-volume' | 'run-port' | 'rm' | 'build' | 'push' | 'pull';
const WEIGHTS: [Op, number][] = [
  ['net-create', 12], ['net-rm', 8], ['connect', 12], ['disconnect', 8], ['run-net', 8], ['run-volume', 12],
  ['run-port', 12], ['rm', 14], ['build', 8], ['push', 6], ['pull', 6],
];
const MAX_CONTAINERS = 10;
const MAX_NETWORKS = 5;

export async function serviceLoop(fd: FaultDaemon, o: ServiceLoopOptions): Promise<ServiceLoopResult> {
  const r: ServiceLoopResult = { ledger: new Ledger(), services: new ServiceLedger(), ops: new Tally(), findings: [] };
  let serial = 0;
  for (let i = 1; i <= o.iterations; i++) {
    const env: ops.Env = { ...o.env, client: fd.client() };
    const pulling = new Set<string>();
    // Mostly short: kills land inside requests; every fourth long enough for a build or a
    // copy-up to finish, so that acknowledged ones are there to check too (4-7 s saw no build
    // answered in 55 kills at a load of 10 on 2 cores).
    const killAfterMs = i % 4 === 0 ? 8000 + Math.random() * 6000 : 300 + Math.random() * 1500;
    const failed = await killRound(fd, o.clients, killAfterMs, (killed) => step(env, r, o.own, killed, `s${i}x${serial++}`, pulling));
    if (failed) {
      r.findings.push(`service kill ${i}: ${failed}`);
      return r;
    }
    const c = fd.client();
    const found = [
      ...(await r.ledger.verify(c)),
      ...(await r.services.verify(c, ops.VOLUME_FILES)),
      ...checkStagingEmpty(fd.dataRoot),
      ...(await checkWhole(c, fd.dataRoot)),
      ...(await checkLeftovers(fd, c, r.ledger.seen, false)),
      ...(await checkKernel(fd, c, o.own, r.ledger.seen, false)),
      ...(await checkBuildContainers(c)),
      ...(await checkPortsAnswer(c)),
      ...(await checkNamespaceLinks(c)),
    ];
    r.findings.push(...found.map((f) => `service kill ${i}: ${f}`));
    o.say(`service kill ${i}/${o.iterations}: back in ${Math.round(fd.startMs.at(-1)!)} ms, ${r.ledger.present().length} containers, ${r.services.present(r.services.networks).length} networks, ${found.length} findings`);
  }
  return r;
}

async function step(e: ops.Env, r: ServiceLoopResult, own: OwnNetworks, killed: () => boolean, name: string, pulling: Set<string>): Promise<void> {
  const s = r.services;
  const containers = r.ledger.present();
  const networks = s.present(s.networks);
  const endpoints = s.present(s.endpoints);
  const pullable = [...s.pushed].filter((ref) => !pulling.has(ref));
  let op = pick();
  if (op.startsWith('run-') && containers.length >= MAX_CONTAINERS) op = 'rm';
  if (op === 'net-create' && networks.length >= MAX_NETWORKS) op = 'net-rm';
  if ((op === 'rm' && !containers.length) || (op === 'net-rm' && !networks.length) || (op === 'pull' && !pullable.length)) op = 'run-port';
  if ((op === 'connect' && (!containers.length || !networks.length)) || (op === 'disconnect' && !endpoints.length)) op = 'net-create';
  const net = any(networks);
  const id = any(containers);
  const endpoint = any(endpoints)?.split(' ') as [string, string] | undefined;
  const ref = any(pullable);
  const started = (x: string, answered: boolean) => r.ledger.started(x, answered);
  const marks: (() => void)[] = []; // what an unanswered request leaves uncertain
  let ack: () => void = () => undefined;
  const run = async (): Promise<unknown> => {
    switch (op) {
      case 'net-create': {
        const n = `fn-${name}`;
        marks.push(() => s.networks.set(n, 'uncertain'));
        ack = () => s.networks.set(n, 'present');
        return e.client.networks.create({ Name: n, Options: { 'com.docker.network.bridge.name': `${own.prefix}${name.slice(1)}`.slice(0, 15) } } as never);
      }
      case 'net-rm':
        marks.push(() => s.networks.set(net!, 'uncertain'));
        ack = () => s.networks.set(net!, 'removed');
        return e.client.networks.remove(net!);
      case 'connect':
        marks.push(() => s.endpoints.set(`${id} ${net}`, 'uncertain'));
        ack = () => s.endpoints.set(`${id} ${net}`, 'present');
        return e.client.networks.connect(net!, id!);
      case 'disconnect':
        marks.push(() => s.endpoints.set(endpoint!.join(' '), 'uncertain'));
        ack = () => s.endpoints.set(endpoint!.join(' '), 'removed');
        return e.client.networks.disconnect(endpoint![1], endpoint![0], true);
      case 'run-net':
      case 'run-port':
      case 'run-volume': {
        const vol = `fv-${name}`;
        const body = op === 'run-net' ? ops.runOnNetwork(e, net ?? 'bridge') : op === 'run-port' ? ops.runWithPort(e) : ops.runWithVolume(e, vol);
        if (op === 'run-volume') marks.push(() => s.volumes.has(vol) || s.volumes.set(vol, { fate: 'uncertain', filled: false }));
        let made: string | undefined;
        marks.push(() => made && started(made, false));
        ack = () => {
          started(made!, true);
          if (op === 'run-volume') s.volumes.set(vol, { fate: 'present', filled: true });
        };
        return ops.runDetached(e.client, body, (x) => {
          made = x;
          r.ledger.created(x);
          if (op === 'run-volume') s.volumes.set(vol, { fate: 'present', filled: false });
        });
      }
      case 'rm':
        marks.push(() => r.ledger.removed(id!, false));
        ack = () => r.ledger.removed(id!, true);
        return e.client.containers.remove(id!, { force: true });
      case 'build': {
        const tag = `faults/built:${name}`;
        marks.push(() => s.images.set(tag, 'uncertain'));
        ack = () => s.images.set(tag, 'present');
        return ops.build(e, tag);
      }
      case 'push': {
        const pushed = `${e.registry}/faults/pushed:${name}`;
        marks.push(() => s.images.set(pushed, 'uncertain'));
        ack = () => (s.images.set(pushed, 'present'), s.pushed.add(pushed));
        return ops.importAndPush(e, name);
      }
      case 'pull':
        pulling.add(ref!);
        s.images.set(ref!, 'uncertain'); // its rmi comes first
        ack = () => s.images.set(ref!, 'present');
        return ops.removeAndPull(e, ref!);
    }
  };
  const { outcome } = await attempt(run);
  r.ops.add(`${op} ${outcome.label}`);
  const answered = outcome.label !== 'error';
  if (outcome.finding && !(killed() && !answered)) r.findings.push(`${op}: ${outcome.finding}`);
  if (outcome.label === 'ok') ack();
  else if (!answered) for (const m of marks) m();
  if (op === 'pull') pulling.delete(ref!);
}

function pick(): Op {
  const total = WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let x = Math.random() * total;
  for (const [op, w] of WEIGHTS) if ((x -= w) < 0) return op;
  return 'run-port';
}

const any = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];

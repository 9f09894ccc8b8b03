// The soak's clients: each cycles through every scenario, one after another, until told to stop
// (it finishes the scenario under way, whose cleanup removes what it made). Clients start at
// different places in the cycle, so that at any moment every kind of work is in flight.
import type { BerthClient } from '../client/index.ts';
import { Recorded, type Recorder } from './recorder.ts';
import type { Ctx } from './context.ts';
import { lifecycle, runDetached } from './scenario-containers.ts';
import { images } from './scenario-images.ts';
import { networks, ports } from './scenario-networks.ts';
import { events, volumes } from './scenario-volumes.ts';

type Scenario = (c: Ctx, round: number) => Promise<void>;
export const SCENARIOS: Scenario[] = [lifecycle, runDetached, images, networks, volumes, ports, events];

export interface Clients {
  created: Set<string>;
  networks: Set<string>;
  /** Resolves when every client has finished its last scenario. */
  done: Promise<void>;
  stop(): void;
}

export function startClients(n: number, connect: () => BerthClient, rec: Recorder, image: string): Clients {
  let stopped = false;
  const created = new Set<string>();
  const nets = new Set<string>();
  const one = async (index: number) => {
    const c: Ctx = { client: connect(), rec, tag: '', index, image, created, networks: nets };
    for (let round = 0; !stopped; round++) {
      const scenario = SCENARIOS[(index + round) % SCENARIOS.length]!;
      c.tag = `soak-${index}-${round}`;
      try {
        await scenario(c, round);
      } catch (err) {
        // A failure outside any recorded operation (a cleanup that threw) still counts.
        if (!(err instanceof Recorded)) rec.fail(`scenario.${scenario.name}`, err);
      }
    }
  };
  const done = Promise.all(Array.from({ length: n }, (_, i) => one(i))).then(() => undefined);
  return { created, networks: nets, done, stop: () => void (stopped = true) };
}

// Removals that land on an exit: containers running `true`, each removed (without force) the
// moment its exit is recorded — a 409 while it runs, then the removal. This is where an exit's
// unmount and the removal of the writable layer meet; before they were ordered, 7–10 of 200
// such removals left the overlay mounted in the layer store's staging debris.
import type { BerthClient } from '../client/index.ts';
import { attempt } from './outcome.ts';
import { Tally } from './stats.ts';

export async function exitRace(client: BerthClient, opts: { clients: number; rounds: number; image: string }): Promise<{ ops: Tally; findings: string[]; ids: string[] }> {
  const ops = new Tally();
  const findings: string[] = [];
  const ids: string[] = [];
  const worker = async () => {
    for (let i = 0; i < opts.rounds; i++) {
      const { Id } = await client.containers.create({ Image: opts.image, Cmd: ['true'] });
      ids.push(Id);
      await client.containers.start(Id);
      // Bounded: a `true` is done long before 500 tries (each a round trip).
      for (let tries = 0; tries < 500; tries++) {
        const { outcome } = await attempt(() => client.containers.remove(Id));
        ops.add(`rm ${outcome.label}`);
        if (outcome.finding) findings.push(`rm: ${outcome.finding}`);
        if (outcome.label !== '409') break;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, worker));
  return { ops, findings, ids };
}

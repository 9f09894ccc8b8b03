// A build's RUN containers in flight, as files named by their name (given before the create, so
// a kill just after it cannot miss one) in a directory of the build's
// own under <data-root>/build (steps-*), removed when the build ends — whether its containers
// were removed (--rm, the default) or kept. A daemon killed mid-build leaves the directory: at
// the next start its containers are removed (they are no one's: the build that owned them is
// gone with the daemon), before the build service empties <data-root>/build.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { isKind } from '../../api/types/errors.ts';

/** Notes a step's container as the build's, by the name it is about to be created with. */
export function noteStep(stepsDir: string, name: string): void {
  writeFileSync(join(stepsDir, name), '');
}

/** At startup: removes the containers of builds a killed daemon left; returns their ids. */
export async function removeOrphanSteps(scratchDir: string, remove: (id: string) => Promise<void>, logger: Logger): Promise<string[]> {
  if (!existsSync(scratchDir)) return [];
  const ids = readdirSync(scratchDir).filter((d) => d.startsWith('steps-')).flatMap((d) => readdirSync(join(scratchDir, d)));
  for (const id of ids) {
    // Through a promise: a container gone already throws at once (resolve), not in the chain.
    await Promise.resolve().then(() => remove(id)).catch(logFailure(logger, 'removal of a killed build\'s container', { fields: { container: id }, expected: (e) => isKind(e, 'not-found'), level: 'warn' }));
  }
  if (ids.length) logger.info('removed the containers of builds cut off by the last daemon\'s end', { containers: ids.length });
  return ids;
}

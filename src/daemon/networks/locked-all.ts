// Several containers' locks at once, for a change that concerns all of them (a network's
// removal and each container with an endpoint on it). Taken in id order, so two such changes
// never wait for each other crosswise; the set is read again once they are held, and taken
// afresh when a container joined meanwhile (a create, a connect), so fn sees a set it holds.
import { conflict } from '../../api/types/errors.ts';
import type { NetworkService } from './network-service.ts';

const MAX_TRIES = 20;

type Locker = Pick<NetworkService, 'lockedContainer'>;

export async function lockedAll<T>(svc: Locker, what: string, ids: () => string[], fn: (held: string[]) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    const want = [...new Set(ids())].sort();
    const outcome = await nest(svc, want, async () => {
      const now = new Set(ids());
      // What joined while the locks were being taken: take them all again (rare).
      if ([...now].some((id) => !want.includes(id))) {
        if (tries >= MAX_TRIES) throw conflict(`containers kept joining while ${what} waited for them: try again`);
        return { again: true as const };
      }
      return { again: false as const, value: await fn([...now]) };
    });
    if (!outcome.again) return outcome.value;
  }
}

function nest<T>(svc: Locker, ids: readonly string[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = ids;
  return first === undefined ? fn() : svc.lockedContainer(first, () => nest(svc, rest, fn));
}

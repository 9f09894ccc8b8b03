// Volumes: a named volume written by one container and read by the next, inspected, listed and
// removed; every other round an unused volume is left for a prune — filtered by this client's
// label, so a prune never takes another client's volume between its create and its use.
// Events: a subscription opened, one image tag seen on it, closed.
import { cleanUp, createContainer, expect, op, removeQuietly, type Ctx } from './context.ts';

export async function volumes(c: Ctx, round: number): Promise<void> {
  const v = c.client.volumes;
  const k = c.client.containers;
  const name = `${c.tag}-vol`;
  const labels = { 'soak-client': String(c.index) };
  const ids: string[] = [];
  try {
    await op(c, 'volumes.create', () => v.create({ Name: name, Labels: labels }));
    for (const cmd of ['echo soak > /data/f', 'grep -q soak /data/f']) {
      const id = await createContainer(c, { Cmd: ['sh', '-c', cmd], HostConfig: { Binds: [`${name}:/data`] } }, `${c.tag}-v${ids.length}`);
      ids.push(id);
      await op(c, 'containers.start', () => k.start(id));
      const code = await op(c, 'containers.wait', () => k.wait(id, 'not-running'));
      expect(code === 0, `${cmd} exited ${code}`);
    }
    await op(c, 'volumes.inspect', () => v.inspect(name));
    await op(c, 'volumes.list', () => v.list());
    for (const id of ids.splice(0)) await op(c, 'containers.remove', () => k.remove(id));
    await op(c, 'volumes.remove', () => v.remove(name));
    if (round % 2 === 0) {
      await op(c, 'volumes.create', () => v.create({ Name: `${name}-unused`, Labels: labels }));
      // all=true: since API 1.42 a prune takes anonymous volumes only unless told otherwise.
      await op(c, 'volumes.prune', async () => {
        const r = await v.prune({ label: [`soak-client=${c.index}`], all: ['true'] });
        expect((r.VolumesDeleted ?? []).includes(`${name}-unused`), `prune deleted ${JSON.stringify(r.VolumesDeleted)}`);
      });
    }
  } finally {
    for (const id of ids) await removeQuietly(c, id);
    for (const n of [name, `${name}-unused`]) await cleanUp(c, 'cleanup.volumes.remove', v.remove(n, { force: true }));
  }
}

/** Opens /events, tags an image, waits for that tag's event (bounded), closes the stream. */
export async function events(c: Ctx): Promise<void> {
  const repo = `soak-${c.index}-ev`;
  const round = c.tag.split('-').at(-1)!;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 15_000);
  try {
    const stream = c.client.system.events({ since: String(Math.floor(Date.now() / 1000)), filters: { type: ['image'], event: ['tag'] }, signal: stop.signal });
    const seen = op(c, 'events.tag-seen', async () => {
      for await (const e of stream) if (JSON.stringify(e).includes(`${repo}:${round}`)) return;
      throw new Error('the events stream ended (or 15 s passed) without the tag');
    });
    await op(c, 'images.tag', () => c.client.images.tag(c.image, repo, round));
    await seen;
    await op(c, 'images.untag', () => c.client.images.remove(`${repo}:${round}`));
  } finally {
    clearTimeout(timer);
    stop.abort();
    await cleanUp(c, 'cleanup.images.untag', c.client.images.remove(`${repo}:${round}`));
  }
}

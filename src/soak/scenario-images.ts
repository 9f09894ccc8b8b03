// Images: tag, inspect, history, list, commit of a container, a small build (one RUN, so a
// build container runs each time), and every name this round made untagged again.
import { pack } from 'tar-stream';
import type { Readable } from 'node:stream';
import { BerthError } from '../api/types/errors.ts';
import { createContainer, expect, op, removeQuietly, type Ctx } from './context.ts';

export async function images(c: Ctx): Promise<void> {
  const im = c.client.images;
  const repo = `soak-${c.index}`;
  const round = c.tag.split('-').at(-1)!;
  const names = [`${repo}:${round}`, `${repo}-commit:${round}`, `${repo}-build:${round}`];
  let box: string | undefined;
  try {
    await op(c, 'images.tag', () => im.tag(c.image, repo, round));
    await op(c, 'images.inspect', () => im.inspect(names[0]!));
    await op(c, 'images.history', () => im.history(names[0]!));
    await op(c, 'images.list', () => im.list());
    box = await createContainer(c, { Cmd: ['true'], Labels: { soak: c.tag } }, `${c.tag}-commit`);
    const b = box;
    await op(c, 'containers.commit', () => c.client.containers.commit(b, { repo: `${repo}-commit`, tag: round, changes: ['ENV SOAK=1'] }));
    await op(c, 'containers.remove', () => c.client.containers.remove(b));
    await op(c, 'images.build', () => build(c, names[2]!));
    await op(c, 'images.inspect', () => im.inspect(names[2]!));
    for (const name of names) await op(c, 'images.untag', () => im.remove(name));
  } finally {
    await removeQuietly(c, box);
    for (const name of names) {
      await im.remove(name, { force: true }).catch((err: unknown) => {
        if (!(err instanceof BerthError && err.kind === 'not-found')) c.rec.fail('cleanup.images.remove', err);
      });
    }
  }
}

async function build(c: Ctx, tag: string): Promise<void> {
  const dockerfile = `FROM ${c.image}\nRUN echo ${c.tag} > /stamp\nENV ROUND=${c.tag}\nCMD ["cat", "/stamp"]\n`;
  const p = pack();
  p.entry({ name: 'Dockerfile', mode: 0o644 }, dockerfile);
  p.finalize();
  let failed: string | undefined;
  for await (const m of c.client.build.build(p as unknown as Readable, { tags: [tag], rm: true, forceRm: true })) {
    if (m.error) failed = m.error;
  }
  expect(failed === undefined, `build: ${failed}`);
}

// Containers: one long-lived container through every state and most container routes, and one
// short `docker run` without attach (create, start, wait, logs, rm).
import { pack } from 'tar-stream';
import type { Readable } from 'node:stream';
import { createContainer, drain, execIn, expect, IDLE, op, removeQuietly, type Ctx } from './context.ts';

export async function lifecycle(c: Ctx): Promise<void> {
  const k = c.client.containers;
  let id: string | undefined;
  try {
    id = await createContainer(c, { Cmd: IDLE }, `${c.tag}-life`);
    const i = id;
    await op(c, 'containers.start', () => k.start(i));
    await op(c, 'containers.exec', () => execIn(c, i, ['sh', '-c', 'echo exec-ok; cat /etc/hostname']).then((o) => expect(o.includes('exec-ok'), `exec output: ${o}`)));
    await op(c, 'containers.top', () => k.top(i));
    await op(c, 'containers.stats', () => drain(k.stats(i, { stream: false, oneShot: true })));
    await op(c, 'containers.inspect', () => k.inspect(i));
    await op(c, 'containers.logs', () => k.logs(i, { tail: '10' }).then(drain));
    await op(c, 'containers.pause', () => k.pause(i));
    await op(c, 'containers.unpause', () => k.unpause(i));
    await op(c, 'containers.rename', () => k.rename(i, `${c.tag}-renamed`));
    await op(c, 'containers.putArchive', () => k.putArchive(i, '/tmp', oneFile('soak.txt', c.tag)));
    await op(c, 'containers.getArchive', () => k.getArchive(i, '/tmp/soak.txt').then(({ tar }) => drain(tar)));
    await op(c, 'containers.restart', () => k.restart(i, 1));
    await op(c, 'containers.stop', () => k.stop(i, 1));
    await op(c, 'containers.start', () => k.start(i));
    await op(c, 'containers.kill', () => k.kill(i));
    await op(c, 'containers.wait', () => k.wait(i, 'not-running'));
    await op(c, 'containers.remove', () => k.remove(i));
  } finally {
    await removeQuietly(c, id);
  }
}

/** `docker run` without attach: create, start, wait for the exit, read the logs, rm. */
export async function runDetached(c: Ctx): Promise<void> {
  const k = c.client.containers;
  let id: string | undefined;
  try {
    id = await createContainer(c, { Cmd: ['sh', '-c', 'echo hello-from-run; ls / | wc -l'] }, `${c.tag}-run`);
    const i = id;
    await op(c, 'containers.start', () => k.start(i));
    const code = await op(c, 'containers.wait', () => k.wait(i, 'not-running'));
    expect(code === 0, `run exited ${code}`);
    await op(c, 'containers.logs', async () => {
      let text = '';
      for await (const chunk of await k.logs(i, {})) text += (chunk as Buffer).toString('latin1');
      expect(text.includes('hello-from-run'), `logs: ${text.slice(0, 200)}`);
    });
    await op(c, 'containers.list-filtered', () => k.list({ all: true, filters: { name: [`${c.tag}-run`] } }));
    await op(c, 'containers.remove', () => k.remove(i));
  } finally {
    await removeQuietly(c, id);
  }
}

function oneFile(name: string, text: string): Readable {
  const p = pack();
  p.entry({ name, mode: 0o644 }, text);
  p.finalize();
  return p as unknown as Readable;
}

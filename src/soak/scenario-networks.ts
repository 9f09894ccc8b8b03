// Networks: a user network with two containers on it (every third round one resolves the other
// through the embedded DNS and pings it), a third container on the default bridge connected to it
// and disconnected again, then everything removed. Ports: a busybox httpd published on a random
// loopback port and asked once. Traffic goes to 127.0.0.1 and into these containers only.
import { getLocal } from '../testing/http-get.ts';
import { cleanUp, createContainer, execIn, expect, IDLE, op, removeQuietly, type Ctx } from './context.ts';

export async function networks(c: Ctx, round: number): Promise<void> {
  const net = c.client.networks;
  const k = c.client.containers;
  const name = `${c.tag}-net`;
  const ids: string[] = [];
  let netId: string | undefined;
  try {
    netId = (await op(c, 'networks.create', () => net.create({ Name: name, Labels: { soak: c.tag } }))).Id;
    c.networks.add(netId);
    for (const who of ['a', 'b']) ids.push(await createContainer(c, { Cmd: IDLE, HostConfig: { NetworkMode: name } }, `${c.tag}-${who}`));
    ids.push(await createContainer(c, { Cmd: IDLE }, `${c.tag}-c`));
    for (const id of ids) await op(c, 'containers.start', () => k.start(id));
    await op(c, 'networks.inspect', () => net.inspect(name));
    if (round % 3 === 0) {
      await op(c, 'networks.dns', () => execIn(c, ids[0]!, ['nslookup', `${c.tag}-b`]).then((o) => expect(/Address: 10\./.test(o), `nslookup: ${o}`)));
      await op(c, 'networks.ping', () => execIn(c, ids[0]!, ['ping', '-c1', '-W3', `${c.tag}-b`]));
    }
    await op(c, 'networks.connect', () => net.connect(name, ids[2]!));
    await op(c, 'networks.disconnect', () => net.disconnect(name, ids[2]!));
    await op(c, 'networks.list', () => net.list());
    for (const id of ids.splice(0)) await op(c, 'containers.remove', () => k.remove(id, { force: true }));
    await op(c, 'networks.remove', () => net.remove(name));
  } finally {
    for (const id of ids) await removeQuietly(c, id);
    if (netId) await cleanUp(c, 'cleanup.networks.remove', net.remove(netId));
  }
}

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo soak > /www/index.html && exec httpd -f -p 80 -h /www'];
/** httpd needs a moment after start; a loaded machine, a few seconds. */
const ANSWER_WITHIN_MS = 15_000;

export async function ports(c: Ctx): Promise<void> {
  const k = c.client.containers;
  let id: string | undefined;
  try {
    const body = { Cmd: HTTPD, ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } };
    id = await createContainer(c, body, `${c.tag}-web`);
    const i = id;
    await op(c, 'containers.start', () => k.start(i));
    const info = await op(c, 'containers.inspect', () => k.inspectRaw(i));
    const port = Number(info.NetworkSettings?.Ports?.['80/tcp']?.[0]?.HostPort);
    expect(port > 0, `no host port in ${JSON.stringify(info.NetworkSettings?.Ports)}`);
    await op(c, 'ports.get', () => answer(port));
    await op(c, 'containers.remove', () => k.remove(i, { force: true }));
  } finally {
    await removeQuietly(c, id);
  }
}

async function answer(port: number): Promise<void> {
  const deadline = Date.now() + ANSWER_WITHIN_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = await getLocal(port);
    if (last === 'soak\n') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`127.0.0.1:${port} did not answer within ${ANSWER_WITHIN_MS} ms: ${last}`);
}

// Push and pull between a rootless berthd and a registry on the host's 127.0.0.1 (issue 15).
// berthd runs in the holder's network namespace, whose own loopback is not the host's: slirp4netns
// forwards 10.0.2.2 to the host's loopback when the user allows it
// (BERTHD_ROOTLESS_DISABLE_HOST_LOOPBACK=false; off by default, as dockerd-rootless), and the
// registry is named so — plain HTTP, so it is listed in the user's ~/.config/berth/daemon.json.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires } from '../testing/requires.ts';
import { RUNS_ROOTLESS } from '../testing/rootless-user.ts';
import type { RootlessUser } from '../testing/rootless-user.ts';
import { useRootlessUser } from '../testing/rootless-fixture.ts';
import { startRegistry, type RunningRegistry } from '../testing/registry.ts';

const skip = requires(...RUNS_ROOTLESS, 'registry');
let u: RootlessUser;
let registry: RunningRegistry;

// The registry starts in the user's set-up: two top-level before hooks need not run in order.
after(async () => {
  await registry?.stop();
});
useRootlessUser({
  skip,
  env: { BERTHD_ROOTLESS_DISABLE_HOST_LOOPBACK: 'false' },
  prepare: async (user) => {
    registry = await startRegistry();
    const config = join(user.home, '.config', 'berth');
    mkdirSync(config, { recursive: true });
    chownSync(join(user.home, '.config'), user.uid, user.gid);
    chownSync(config, user.uid, user.gid);
    await user.writeFile('.config/berth/daemon.json', JSON.stringify({ 'insecure-registries': [`10.0.2.2:${registry.port}`] }));
  },
  ready: (user) => (u = user),
});

async function ok(args: string[]): Promise<string> {
  const r = await u.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n--- holder log ---\n${readFileSync(join(u.runtimeDir, 'berth/rootlesskit.log'), 'utf8').slice(-2000)}`);
  return r.stdout;
}

test('push to and pull from the loopback registry, through slirp4netns\'s host loopback', { skip }, async () => {
  const ref = `10.0.2.2:${registry.port}/rootless/busybox:1`;
  await ok(['tag', 'busybox:latest', ref]);
  await ok(['push', ref]);
  await ok(['rmi', ref, 'busybox:latest']);
  await ok(['pull', ref]);
  assert.match(await ok(['run', '--rm', ref, 'id', '-u']), /^0$/m);
});

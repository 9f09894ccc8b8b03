// The rootless defaults: the user's XDG directories, and a clear refusal without XDG_RUNTIME_DIR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootlessPaths } from './paths.ts';
import { loadDaemonConfig } from '../daemon/config/index.ts';
import { isNonInitialMap } from '../lib/userns.ts';

test('paths follow XDG_DATA_HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR, with the spec\'s defaults under HOME', () => {
  const p = rootlessPaths({ HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1001' });
  assert.deepEqual(p, {
    dataRoot: '/home/u/.local/share/berth',
    execRoot: '/run/user/1001/berth',
    pidfile: '/run/user/1001/berth/berthd.pid',
    socket: '/run/user/1001/berth/berth.sock',
    configFile: '/home/u/.config/berth/daemon.json',
    holderStateDir: '/run/user/1001/berth/rootlesskit',
    holderLog: '/run/user/1001/berth/rootlesskit.log',
  });
  const q = rootlessPaths({ HOME: '/home/u', XDG_RUNTIME_DIR: '/r', XDG_DATA_HOME: '/d', XDG_CONFIG_HOME: 'relative' });
  assert.equal(q.dataRoot, '/d/berth');
  assert.equal(q.configFile, '/home/u/.config/berth/daemon.json', 'a relative XDG value is ignored, as the spec says');
});

test('without XDG_RUNTIME_DIR the error says what to set', () => {
  assert.throws(() => rootlessPaths({ HOME: '/home/u' }), /needs XDG_RUNTIME_DIR .* which is not set.*export XDG_RUNTIME_DIR/s);
  assert.throws(() => rootlessPaths({ HOME: '/home/u', XDG_RUNTIME_DIR: 'run' }), /which is "run"/);
});

test('a rootless config takes the paths, the 0600 socket under the runtime dir and rootless: true', () => {
  const paths = { ...rootlessPaths({ HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1001' }), rootless: true };
  const { config } = loadDaemonConfig([], { paths, defaultConfigFile: '/nonexistent/daemon.json' });
  assert.equal(config.rootless, true);
  assert.deepEqual(config.hosts, ['unix:///run/user/1001/berth/berth.sock']);
  assert.equal(config.dataRoot, '/home/u/.local/share/berth');
  assert.equal(config.execRoot, '/run/user/1001/berth');
  assert.equal(loadDaemonConfig([], { defaultConfigFile: '/nonexistent/daemon.json' }).config.rootless, false, 'root is not rootless');
});

test('a user namespace is told by its uid map', () => {
  assert.equal(isNonInitialMap('         0          0 4294967295\n'), false);
  assert.equal(isNonInitialMap('         0       1001          1\n         1     100000      65536\n'), true);
});

test('the inner berthd gets the sbin directories an ordinary user\'s PATH lacks, after the user\'s own', async () => {
  const { innerPath } = await import('./launch.ts');
  assert.equal(innerPath('/usr/local/bin:/usr/bin:/bin'), '/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin');
  assert.equal(innerPath('/opt/x:/usr/sbin:/usr/bin'), '/opt/x:/usr/sbin:/usr/bin:/usr/local/sbin:/sbin');
  assert.equal(innerPath(undefined), '/usr/local/sbin:/usr/sbin:/sbin');
});

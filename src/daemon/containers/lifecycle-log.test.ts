// A clean-up that fails while the daemon goes on leaves a trace in the daemon log. Provoked
// with a runtime whose `delete` always fails (a wrapper around runc, the default runtime here):
// a start whose `runc create` fails is cleaned up with a `runc delete`, which must show, with
// the container and runc's words, at debug level.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { until } from '../../testing/until.ts';
import { which } from '../../lib/which.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-failing-runc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const wrapper = join(dir, 'runc-no-delete');
writeFileSync(wrapper, `#!/bin/sh\nfor a; do [ "$a" = delete ] && { echo "delete refused by the test" >&2; exit 1; }; done\nexec ${which('runc')} "$@"\n`);
chmodSync(wrapper, 0o755);

const f = useBusyboxDaemon({ harness: { daemonJson: { 'log-level': 'debug', runtimes: { 'no-delete': { path: wrapper } }, 'default-runtime': 'no-delete' } } });

test('a runc delete that fails after a failed start is in the daemon log, with the container', async () => {
  const containers = f.d.client().containers;
  const { Id } = await containers.create({ Image: 'busybox', Cmd: ['/no/such/command'] });
  await assert.rejects(containers.start(Id), /no such file or directory/);
  const line = new RegExp(`level=debug msg="runc delete after a failed start failed" container=${Id} error=.*delete refused by the test`);
  await until('the failed clean-up is logged', () => line.test(f.d.log));
  await containers.remove(Id);
});

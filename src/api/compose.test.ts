// Debian's docker-compose 1.29 (through docker-py) brings up a two-service project on berthd:
// a network for the project, a named volume, a published port on 127.0.0.1; the services reach
// each other by name; `down -v` leaves no container, network, volume or kernel object behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { networkHarness, networkNames, removeKernelObjects } from '../testing/network-harness.ts';
import { run } from '../testing/run.ts';
import { until } from '../testing/until.ts';
import { getLocal as get } from '../testing/http-get.ts';
import { freePort } from '../testing/free-port.ts';

const skip = requires('docker-compose', 'ip', 'nft', ...RUNS_CONTAINERS);
const names = networkNames();
const f = useBusyboxDaemon({ skip, harness: networkHarness(names) });
after(() => removeKernelObjects(names));


test('docker-compose up -d and down -v of a project with a network, a named volume and a port', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  const port = await freePort();
  writeFileSync(join(dir, 'docker-compose.yml'), `version: "3.8"
services:
  web:
    image: busybox
    command: ["sh", "-c", "echo served > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports: ["127.0.0.1:${port}:80"]
    volumes: ["site:/www"]
  client:
    image: busybox
    command: ["sleep", "3600"]
volumes:
  site: {}
`);
  const compose = (args: string[]) => run('docker-compose', ['-p', 'proj', ...args], { env: { ...f.env(), COMPOSE_INTERACTIVE_NO_CLI: '1' }, timeoutMs: 120_000, cwd: dir });
  try {
    const up = await compose(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    await until('web answers through its port', async () => (await get(port)) === 'served\n');
    const reach = await f.docker(['exec', 'proj_client_1', 'wget', '-qO-', 'http://web/']);
    assert.deepEqual([reach.code, reach.stdout], [0, 'served\n'], reach.stderr);
    const ps = await compose(['ps']);
    assert.match(ps.stdout, /proj_web_1 .* Up .*127\.0\.0\.1:\d+->80\/tcp/);
    const down = await compose(['down', '-v']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal((await f.docker(['ps', '-aq'])).stdout, '');
    assert.equal((await f.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter((n) => n.startsWith('proj')).length, 0);
    assert.equal((await f.docker(['volume', 'ls', '-q'])).stdout, '');
    assert.match(await get(port), /^error ECONNREFUSED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docker-compose up in the foreground follows the services to their exit (its event loop reads event["id"])', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  writeFileSync(join(dir, 'docker-compose.yml'), `services:
  one:
    image: busybox
    command: ["sh", "-c", "sleep 1; echo one says hi"]
  two:
    image: busybox
    command: ["sh", "-c", "echo two says hi; exit 3"]
`);
  const compose = (args: string[]) => run('docker-compose', ['-p', 'fg', ...args], { env: { ...f.env(), COMPOSE_INTERACTIVE_NO_CLI: '1' }, timeoutMs: 120_000, cwd: dir });
  try {
    // Without --abort-on-container-exit, up waits for every service and exits 0.
    const up = await compose(['up', '--no-color']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /one_1 +\| one says hi/);
    assert.match(up.stdout, /two_1 +\| two says hi/);
    assert.match(up.stdout, /fg_two_1 exited with code 3/);
    assert.doesNotMatch(up.stderr, /Traceback|KeyError/);
    const exit = await compose(['up', '--no-color', '--exit-code-from', 'two']);
    assert.equal(exit.code, 3, exit.stderr);
    assert.equal((await compose(['down'])).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// make install into a staging root (DESTDIR), as a packager runs it: the tree it makes, units
// that systemd accepts, the installed berthd serving its API, and make uninstall removing it
// all but the configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requires } from '../testing/requires.ts';
import { until, within } from '../testing/until.ts';
import { createClient } from '../client/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const INSTALL = join(ROOT, 'scripts', 'install');

function install(destdir: string, action = 'install'): string {
  return execFileSync(INSTALL, [action], { env: { ...process.env, DESTDIR: destdir, PREFIX: '/usr' }, encoding: 'utf8' });
}

test('make install into DESTDIR, the units verified, the installed berthd serving, then uninstall', { skip: requires('root', 'socket-activate') }, async () => {
  const dest = mkdtempSync(join(tmpdir(), 'berth-install-'));
  try {
    install(dest);
    assert.equal(readlinkSync(join(dest, 'usr/bin/berthd')), '../lib/berth/bin/berthd');
    assert.equal(readlinkSync(join(dest, 'usr/bin/berthd-rootless-setup')), '../lib/berth/bin/berthd-rootless-setup');
    assert.ok(lstatSync(join(dest, 'usr/bin/berth')).isSymbolicLink());
    assert.ok(!existsSync(join(dest, 'usr/lib/berth/dist/testing')), 'test code is not installed');
    assert.ok(existsSync(join(dest, 'usr/lib/berth/dist/release/berth-cmd/index.json')), 'the per-command bundles are installed');
    // The bundles carry their dependencies but koffi (authorization's FFI: a native binary of
    // its own package), which require() from the installed bundles must find in the tree.
    assert.deepEqual(readdirSync(join(dest, 'usr/lib/berth/node_modules')).sort(), ['@koromix', 'koffi']);
    const koffi = createRequire(join(dest, 'usr/lib/berth/dist/release/berthd.js')).resolve('koffi');
    assert.ok(koffi.startsWith(join(dest, 'usr/lib/berth/node_modules/koffi/')), koffi);
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(koffi)}).load('libc.so.6')`], { stdio: 'pipe' });
    // The completion scripts where each shell's loader looks; bash's completes `berth ru`.
    const bashScript = join(dest, 'usr/share/bash-completion/completions/berth');
    assert.ok(existsSync(join(dest, 'usr/share/zsh/vendor-completions/_berth')) && existsSync(join(dest, 'usr/share/fish/vendor_completions.d/berth.fish')));
    const script = `PATH=${join(dest, 'usr/bin')}:$PATH; source ${bashScript}; COMP_WORDS=(berth ru); COMP_CWORD=1; COMP_LINE='berth ru'; COMP_POINT=8; __berth_complete berth ru berth; echo "$\{COMPREPLY[@]}"`;
    const completed = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
    assert.equal(completed.trim(), 'run');
    const service = readFileSync(join(dest, 'lib/systemd/system/berthd.service'), 'utf8');
    // The launcher by its real path (no symlink for node to resolve at each start, issue 12).
    assert.match(service, /^ExecStart=\/usr\/lib\/berth\/bin\/berthd -H fd:\/\/$/m);
    assert.match(service, /^KillMode=process$/m);
    assert.match(readFileSync(join(dest, 'lib/systemd/system/berthd.socket'), 'utf8'), /^SocketGroup=berth$/m);
    // systemd's own checker, on the units pointed at the staged berthd (it must exist).
    const units = mkdtempSync(join(tmpdir(), 'berth-units-'));
    writeFileSync(join(units, 'berthd.service'), service.replace('/usr/lib/berth/bin/berthd', join(dest, 'usr/lib/berth/bin/berthd')));
    writeFileSync(join(units, 'berthd.socket'), readFileSync(join(dest, 'lib/systemd/system/berthd.socket')));
    execFileSync('systemd-analyze', ['verify', join(units, 'berthd.service'), join(units, 'berthd.socket')], { stdio: 'pipe' });
    rmSync(units, { recursive: true });

    // An edited daemon.json survives a reinstall.
    writeFileSync(join(dest, 'etc/berth/daemon.json'), '{"debug": true}\n');
    install(dest);
    assert.equal(readFileSync(join(dest, 'etc/berth/daemon.json'), 'utf8'), '{"debug": true}\n');

    await serves(join(dest, 'usr/bin/berthd'));

    install(dest, 'uninstall');
    assert.ok(!existsSync(join(dest, 'usr/bin/berthd')) && !existsSync(join(dest, 'usr/lib/berth')));
    assert.ok(!existsSync(join(dest, 'lib/systemd/system/berthd.service')));
    assert.ok(!existsSync(bashScript), 'the completion scripts go too');
    assert.ok(existsSync(join(dest, 'etc/berth/daemon.json')), 'the configuration stays');
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

/** The installed berthd, on a private socket and directories, answers /version. */
async function serves(berthd: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-installed-'));
  const sock = join(dir, 'berth.sock');
  writeFileSync(join(dir, 'daemon.json'), '{}');
  const child = spawn(berthd, ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'),
    '--config-file', join(dir, 'daemon.json'), '-H', `unix://${sock}`, '--bridge', 'none'], { stdio: 'ignore' });
  try {
    await until('the installed berthd to listen', () => existsSync(sock), { timeoutMs: 20_000 });
    const v = await createClient({ endpoint: { host: `unix://${sock}` } }).system.version();
    assert.match((v as { Version: string }).Version, /^\d+\.\d+\.\d+/);
    // The installed CLI, from its bundle alone, talks to it.
    const berth = join(dirname(berthd), 'berth');
    const out = execFileSync(berth, ['-H', `unix://${sock}`, 'version', '--format', '{{.Client.Version}} {{.Server.Version}}'], { encoding: 'utf8' });
    assert.equal(out.trim(), `${v.Version} ${v.Version}`);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await within('the installed berthd to stop', exited, 30_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

// Tests run against a real berthd: its own temporary data-root, exec-root and socket, started
// as a child process and ended by its pid. Nothing here touches /var/lib/berth or /run/berth.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type BerthClient } from '../client/index.ts';
import { within } from './until.ts';
import { DnsSupervisor } from '../network/dns/dns-supervisor.ts';
import { firewallTable } from '../daemon/networks/network-kernel.ts';

// What bin/berthd and bin/berth run (bin/launch.js decides): the release bundle that `make
// build` makes, so the tests exercise what is installed — or a newer tsc build of dist/.
const { programFile } = createRequire(import.meta.url)('../../bin/launch.js') as { programFile: (name: string) => string };
export const BERTHD = programFile('berthd');
export const BERTH = programFile('berth');
/** The installed-style executable (bin/berth), for places that exec it by path (ssh). */
export const BERTH_EXECUTABLE = fileURLToPath(new URL('../../bin/berth', import.meta.url));

export interface HarnessOptions {
  /** daemon.json contents (default `{}`). */
  daemonJson?: Record<string, unknown> | string;
  /** Extra berthd flags. */
  args?: string[];
  /** Reuse a directory (for restart tests). */
  dir?: string;
  /** Extra environment for berthd. */
  env?: Record<string, string>;
  /** A command that execs its arguments (berthd's argv) after setting something up. */
  wrap?: string[];
}

export class Berthd {
  readonly dir: string;
  readonly socket: string;
  readonly host: string;
  readonly configFile: string;
  readonly #opts: HarnessOptions;
  #child: ChildProcess | undefined;
  #log = '';

  constructor(opts: HarnessOptions = {}) {
    this.#opts = opts;
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'berthd-test-'));
    this.socket = join(this.dir, 'berth.sock');
    this.host = `unix://${this.socket}`;
    this.configFile = join(this.dir, 'daemon.json');
    const json = opts.daemonJson ?? {};
    writeFileSync(this.configFile, typeof json === 'string' ? json : JSON.stringify(json, null, 2));
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get log(): string {
    return this.#log;
  }

  /** The argv that starts this daemon; tests that expect a failed start use it directly. */
  argv(extra: string[] = []): string[] {
    return [
      BERTHD,
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'exec'),
      '--pidfile', join(this.dir, 'berthd.pid'),
      '--config-file', this.configFile,
      '-H', this.host,
      // Most tests are not about networks: no default bridge (containers get none), as several
      // daemons run at once and would fight over one. Network tests name a bridge of their own
      // (network-harness.ts).
      ...(this.#wantsBridge() ? [] : ['--bridge', 'none']),
      ...(this.#opts.args ?? []),
      ...extra,
    ];
  }

  #wantsBridge(): boolean {
    const json = this.#opts.daemonJson;
    const inJson = typeof json === 'string' ? /"bridge"\s*:/.test(json) : json !== undefined && 'bridge' in json;
    return inJson || (this.#opts.args ?? []).some((a) => a === '--bridge' || a === '-b' || a.startsWith('--bridge='));
  }

  async start(): Promise<this> {
    const [cmd, ...args] = [...(this.#opts.wrap ?? []), process.execPath, ...this.argv()];
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(this.#opts.env && { env: { ...process.env, ...this.#opts.env } }) });
    this.#child = child;
    // A test that dies before its cleanup must not leave its daemon behind.
    const reap = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    child.stdout!.on('data', (d: Buffer) => (this.#log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.#log += d.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`berthd exited with ${code} during start:\n${this.#log}`))),
    );
    // Ready when every listener is up, not merely the unix socket.
    await Promise.race([this.#waitForLog(/Daemon has completed initialization/, 15_000), exited]);
    return this;
  }

  async #waitForLog(re: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.#log)) {
      if (Date.now() > deadline) throw new Error(`berthd did not finish starting within ${timeoutMs} ms:\n${this.#log}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  client(version?: string): BerthClient {
    return createClient({ endpoint: { host: this.host }, ...(version && { version }) });
  }

  /** SIGTERM and wait (a minute at most, then SIGKILL and fail); returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return within(`berthd (pid ${child.pid}) to exit on ${signal}`, done, 60_000).catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    });
  }

  async kill(): Promise<void> {
    await this.stop('SIGKILL');
  }

  /**
   * Stop the daemon and remove its directory. A test that failed half way may have left a
   * container's rootfs mounted under it (containers outlive berthd): unmount those first.
   */
  async cleanup(): Promise<void> {
    await this.stop();
    await this.#removeNetworkState();
    if (this.#opts.dir) return;
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const target = line.split(' ')[1];
      if (target?.startsWith(`${this.dir}/`)) spawnSync('umount', ['-l', target]);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** What outlives a berthd by design (live-restore) and is the test's to remove: its embedded
   * DNS process, its firewall tables, and the default bridge it was given. */
  async #removeNetworkState(): Promise<void> {
    await new DnsSupervisor({ dir: join(this.dir, 'exec', 'dns') }).stop();
    const table = firewallTable(join(this.dir, 'data'));
    for (const family of ['inet', 'bridge']) spawnSync('nft', ['delete', 'table', family, table], { stdio: 'ignore' });
    const args = this.#opts.args ?? [];
    const at = args.findIndex((a) => a === '--bridge' || a === '-b');
    const bridge = at >= 0 ? args[at + 1] : undefined;
    // A wrapped daemon (unshare --net) had its bridges in a namespace of its own, gone with it.
    if (this.#opts.wrap) return;
    for (const b of new Set([...(bridge && bridge !== 'none' ? [bridge] : []), ...this.#networkBridges()])) {
      spawnSync('ip', ['link', 'delete', b], { stdio: 'ignore' });
    }
  }

  /** The Linux bridges of the networks the daemon's store holds (a test's user networks). */
  #networkBridges(): string[] {
    const file = join(this.dir, 'data', 'berth.db');
    if (!existsSync(file)) return [];
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return (db.prepare("SELECT bridge FROM networks WHERE bridge != ''").all() as { bridge: string }[]).map((r) => r.bridge);
    } catch {
      return []; // a store from before networks
    } finally {
      db.close();
    }
  }
}

export async function startBerthd(opts: HarnessOptions = {}): Promise<Berthd> {
  return new Berthd(opts).start();
}

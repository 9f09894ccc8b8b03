// The soak's list and _ping latency, measured from a process of its own. Timed in the soak's
// process they were inflated by the soak itself: 20 clients' work kept its event loop's delay at
// p99 45–66 ms, so a round trip was berthd's + the machine's + the soak's own queueing. Here a
// small child does nothing but, in turn: GET /containers/json?all=1, GET /_ping, a pause of
// PAUSE_MS — each request on a new connection, as `docker ps` makes one (the accept is part of
// what a user waits for). It keeps the round trips of the window and its own loop delay (which
// stays near the timer's resolution: it has nothing else to do), and hands them over on 'take'.
//   new LatencyProbe(socket): take() → the window since the last; stop().
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Between two list+ping pairs: about four pairs a second, a few hundred lists a minute. */
const PAUSE_MS = 200;

export interface ProbeWindow {
  listMs: number[];
  pingMs: number[];
  /** Failed requests of the window (the daemon gone, a 5xx), with the first message. */
  failures: number;
  firstFailure?: string;
  /** This process's own event-loop delay p99 over the window, ms. */
  loopP99: number;
}

/** One request on a fresh connection, its body read to the end; the round trip in ms. */
export function timedGet(socketPath: string, path: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', agent: false, headers: { host: 'berth' } }, (res) => {
      res.on('data', () => undefined);
      res.on('error', reject);
      res.on('end', () => ((res.statusCode ?? 0) < 300 ? resolve(performance.now() - t0) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

function run(socketPath: string): void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let w: ProbeWindow = { listMs: [], pingMs: [], failures: 0, loopP99: 0 };
  let stopped = false;
  const fail = (err: unknown) => ((w.failures += 1), (w.firstFailure ??= String((err as Error)?.message ?? err)));
  // The soak gone (its watchdog exits at once): stop too, rather than ask a socket no one serves.
  process.on('disconnect', () => void (stopped = true));
  process.on('message', (m) => {
    if (m === 'stop') return void (stopped = true);
    if (m !== 'take') return;
    const out = { ...w, loopP99: loop.percentile(99) / 1e6 };
    loop.reset();
    w = { listMs: [], pingMs: [], failures: 0, loopP99: 0 };
    process.send!(out);
  });
  void (async () => {
    while (!stopped) {
      await timedGet(socketPath, '/containers/json?all=1').then((ms) => w.listMs.push(ms), fail);
      await timedGet(socketPath, '/_ping').then((ms) => w.pingMs.push(ms), fail);
      await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
    if (process.connected) process.disconnect();
  })();
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2]) run(process.argv[2]);

/** The soak's side: starts the child on berthd's socket, takes its windows, stops it. */
export class LatencyProbe {
  readonly #child: ChildProcess;

  constructor(socketPath: string) {
    this.#child = fork(fileURLToPath(import.meta.url), [socketPath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  /** The window since the last take; bounded (a probe that does not answer is a failure). */
  take(): Promise<ProbeWindow> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the latency probe did not answer within 30 s')), 30_000);
      this.#child.once('message', (m) => (clearTimeout(timer), resolve(m as ProbeWindow)));
      this.#child.send('take');
    });
  }

  /** Ends the child after its pair under way; killed by its pid if it has not within 30 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    if (this.#child.connected) this.#child.send('stop');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

// The probe of the published-port bench: started (and, for dockerd, put into its network
// namespace) before the container, so that neither a spawn nor nsenter falls into what is
// timed. It prints "ready", waits for a line on stdin (sent when `docker run -d` has returned),
// then asks http://127.0.0.1:<port>/ until an HTTP answer comes — any status: busybox httpd's
// 404 for / is an answer — and prints one JSON line: { ms, attempts, firstOk, firstError } or
// { error }. firstError is how the first attempt failed (ECONNREFUSED: nothing listened behind
// the port yet, or no rule; ECONNRESET: a proxy took the connection but had no backend).
// `node dist/bench/port-probe.js <port>`; only ever 127.0.0.1.
import { request } from 'node:http';

const port = Number(process.argv[2]);
const GIVE_UP_MS = 5000;

function ask(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function probe(): Promise<void> {
  const t0 = performance.now();
  let attempts = 0;
  let firstOk = false;
  let firstError: string | undefined;
  while (performance.now() - t0 < GIVE_UP_MS) {
    attempts++;
    const status = await ask().catch((err: NodeJS.ErrnoException) => {
      firstError ??= err.code ?? err.message;
      return undefined;
    });
    if (status !== undefined) {
      firstOk ||= attempts === 1;
      console.log(JSON.stringify({ ms: performance.now() - t0, attempts, firstOk, firstError, status }));
      process.exit(0);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  console.log(JSON.stringify({ error: `no answer on 127.0.0.1:${port} within ${GIVE_UP_MS} ms (${attempts} attempts)` }));
  process.exit(0);
}

process.stdin.once('data', () => void probe());
console.log('ready');

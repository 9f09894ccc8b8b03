// The client of the throughput row: GET /f from http://127.0.0.1:<port>/ (busybox httpd in a
// container, behind the published port) and count the bytes of the body until the server closes.
// Started after `docker run -d` returned (for dockerd inside its network namespace); it tries
// again while nothing answers yet (the container still writes the file it serves) and times
// only the attempt that brought the file: from its connect to the last byte. Prints one JSON
// line: { ms, bytes, attempts } or { error }. `node dist/bench/port-stream.js <port>`; only
// ever 127.0.0.1.
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const GIVE_UP_MS = 120_000;

interface Got { ms: number; bytes: number; status: string }

function fetchOnce(): Promise<Got> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let head = '';
    let body = 0;
    const s = connect({ host: '127.0.0.1', port }, () => s.write('GET /f HTTP/1.0\r\n\r\n'));
    s.on('data', (d: Buffer) => {
      if (head.includes('\r\n\r\n')) return void (body += d.length);
      // The header is short and comes first; what follows its blank line is body.
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0) body += Buffer.byteLength(head.slice(end + 4), 'latin1');
    });
    s.on('error', reject);
    s.on('close', () => resolve({ ms: performance.now() - t0, bytes: body, status: head.split('\r\n')[0] ?? '' }));
  });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  let attempts = 0;
  let last = '';
  while (performance.now() - t0 < GIVE_UP_MS) {
    attempts++;
    const got = await fetchOnce().catch((err: NodeJS.ErrnoException) => err.code ?? err.message);
    if (typeof got !== 'string' && got.status.includes(' 200 ')) return console.log(JSON.stringify({ ms: got.ms, bytes: got.bytes, attempts }));
    last = typeof got === 'string' ? got : got.status || 'closed without an answer';
    await new Promise((r) => setTimeout(r, 20));
  }
  console.log(JSON.stringify({ error: `no file from 127.0.0.1:${port} within ${GIVE_UP_MS} ms (${attempts} attempts, last: ${last})` }));
}

await main();

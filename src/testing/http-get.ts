// GET http://127.0.0.1:<port>/ for network tests: the body, or "error <code>" (ECONNREFUSED once
// a published port is gone, ETIMEDOUT after 3 s) so that a test can assert either.
import { request } from 'node:http';

export function getLocal(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.end();
  });
}

// The floor daemon-footprint.ts compares berthd with: bare Node holding what any daemon of ours
// must (a node:sqlite database in WAL mode and an HTTP server on a unix socket) and nothing else.
// It takes berthd's flags and reads only those it needs: --data-root and -H unix://<path>.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const argv = process.argv.slice(2);
const flag = (name: string) => argv[argv.indexOf(name) + 1] ?? '';
const dataRoot = flag('--data-root');
mkdirSync(dataRoot, { recursive: true });
const db = new DatabaseSync(join(dataRoot, 'bare.db'));
db.exec('PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)');
const server = createServer((req, res) => {
  res.end(req.url === '/_ping' ? 'OK' : String(db.prepare('SELECT count(*) AS n FROM t').get()?.n));
});
server.listen(flag('-H').replace(/^unix:\/\//, ''));
process.on('SIGTERM', () => server.close(() => (db.close(), process.exit(0))));

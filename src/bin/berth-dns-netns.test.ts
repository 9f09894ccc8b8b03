// berth-dns started before its network's address exists (berthd writes the records around the
// time it makes the bridge): it waits, and binds within a second or so once the address is up.
// Run in a network namespace this test makes, on port 53 as in real use; the only traffic is
// inside that namespace.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import packet from 'dns-packet';
import { readPidFile } from '../network/dns/dns-process.ts';
import { writeRecords } from '../network/dns/records.ts';
import { requires } from '../testing/requires.ts';
import { until, within } from '../testing/until.ts';

const skip = requires('root');
const PROGRAM = fileURLToPath(new URL('./berth-dns.js', import.meta.url));
const ns = `berth-t${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'berth-dns-netns-'));
let child: ChildProcess | undefined;
let made = false;

after(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (made) execFileSync('ip', ['netns', 'delete', ns]);
  rmSync(dir, { recursive: true, force: true });
});

/** One UDP query from inside the namespace; the decoded answer. */
function queryInNetns(server: string, name: string): ReturnType<typeof packet.decode> {
  const q = packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const script = `const s = require('node:dgram').createSocket('udp4');
    const t = setTimeout(() => process.exit(3), 3000);
    s.on('message', (m) => { process.stdout.write(m.toString('hex')); clearTimeout(t); s.close(); });
    s.send(Buffer.from(process.argv[1], 'hex'), 53, ${JSON.stringify(server)});`;
  const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script, q.toString('hex')], { encoding: 'utf8' });
  return packet.decode(Buffer.from(out, 'hex'));
}

test('a network whose address is not up yet is bound once it is', { skip }, async () => {
  execFileSync('ip', ['netns', 'add', ns]);
  made = true;
  execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const records = join(dir, 'records.json');
  const pidFile = join(dir, 'berth-dns.pid');
  writeRecords(records, { upstream: [], networks: [{ name: 'late', listen: '10.99.0.1', entries: [{ names: ['web'], ipv4: '10.99.0.2' }] }] });
  // `ip netns exec` execs the program itself: the child's pid is berth-dns's.
  child = spawn('ip', ['netns', 'exec', ns, process.execPath, PROGRAM, '--records', records, '--pidfile', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log += String(d)));
  await until('berth-dns started', () => readPidFile(pidFile) === child!.pid);
  // Its pid file can be there before its first log line has reached us.
  await until('berth-dns to log that the address is not up yet', () => /DNS listener not bound yet.*EADDRNOTAVAIL/.test(log));

  // The bridge coming up, as far as a bind can tell: the address appears (here on the
  // namespace's own lo: no kernel module needed).
  execFileSync('ip', ['-n', ns, 'addr', 'add', '10.99.0.1/32', 'dev', 'lo']);
  await until('berth-dns bound the new address', () => /msg="DNS listening".*10\.99\.0\.1:53/.test(log), { timeoutMs: 5000 });
  const r = queryInNetns('10.99.0.1', 'web.late');
  assert.deepEqual(r.answers?.map((a) => (a as { data?: unknown }).data), ['10.99.0.2']);

  child.kill('SIGTERM');
  await within('berth-dns to end', new Promise((r) => child!.once('exit', r)));
});

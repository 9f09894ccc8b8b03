// Preloaded into a berthd by daemon-footprint.ts --listen-cpu (node --import): when the first
// unix-socket server listens, writes the process's own CPU time so far (process.cpuUsage, in
// microseconds) to $BERTH_FOOTPRINT_PROBE. /proc's figures come in 10 ms ticks and include the
// ping's wait; this one is the daemon's work to listening, precise enough for A/B of a few ms.
import net from 'node:net';
import { writeFileSync } from 'node:fs';

const out = process.env['BERTH_FOOTPRINT_PROBE'];
const listen = net.Server.prototype.listen;
let done = false;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  this.once('listening', () => {
    if (done || !out || typeof this.address() !== 'string') return;
    done = true;
    const c = process.cpuUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (c.user + c.system) / 1000, sinceStartMs: performance.now() }));
  });
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof listen;

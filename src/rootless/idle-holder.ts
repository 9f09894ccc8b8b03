// A rootless berthd that stops gracefully with nothing left running ends its namespace holder
// too (rootlesskit, its sleeping child, slirp4netns): a user who ran berthd in a terminal and
// pressed ^C is left with no process. With a container still running (live-restore) the holder
// stays, so the container keeps its namespaces and the next berthd adopts it.
// berth-dns, which outlives berthd to serve running containers, is stopped first.
// "Nothing running" = no conmon in berthd's user namespace: every container process, and a
// created one waiting for its start, has its monitor there; berth-dns and the rest serve them.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { logFailure } from '../lib/log-failure.ts';
import { DnsSupervisor } from '../network/dns/dns-supervisor.ts';
import { isLiveProcess } from '../lib/proc.ts';
import { rootlessChild } from './env.ts';
import { liveHolder } from './holder.ts';

export async function stopHolderIfIdle(execRoot: string, logger: Logger): Promise<void> {
  const child = rootlessChild();
  const holder = child && liveHolder(child.stateDir, 'inside');
  if (!holder) return;
  const monitors = monitorsIn(readlinkSync('/proc/self/ns/user'));
  if (monitors.length) {
    logger.info('Namespace holder kept: containers still run in it', { holder: holder.pid, monitors: monitors.length });
    return;
  }
  // The embedded DNS outlives berthd for running containers only; with none it goes first (it
  // would otherwise stay behind in the namespace's last network).
  await new DnsSupervisor({ dir: join(execRoot, 'dns'), logger }).stop().catch(logFailure(logger, 'stopping berth-dns'));
  try {
    process.kill(holder.pid, 'SIGTERM'); // rootlesskit ends its child and slirp4netns with it
    logger.info('Namespace holder stopped: nothing runs in it', { holder: holder.pid });
  } catch (err) {
    logger.debug('stopping the namespace holder failed', { holder: holder.pid, error: (err as Error).message });
  }
}

function monitorsIn(userns: string): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      // A zombie (an ended monitor its new parent has not reaped yet) watches nothing.
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'conmon' && isLiveProcess(pid) && readlinkSync(`/proc/${pid}/ns/user`) === userns;
    } catch {
      return false; // ended while we looked
    }
  });
}

// What HostConfig.HealthOnFailure does to an unhealthy container, through the same operations
// the API runs. restart and stop are docker restart and docker stop (the container's stop signal
// and timeout; a stop counts as the user's, so a restart policy leaves it stopped). kill goes to
// the runtime directly, as a crash would: a restart policy then brings the container back, which
// is the use moby#28400 asks for.
import type { Lifecycle } from './lifecycle.ts';
import type { HealthActions } from './health-monitor.ts';
import { lifecycleBackend } from './lifecycle-backend.ts';

export function healthActions(lc: Lifecycle): HealthActions {
  const api = lifecycleBackend(lc);
  return {
    restart: (id) => api.restart(id, {}),
    stop: (id) => api.stop(id, {}),
    async kill(id) {
      const c = lc.deps.svc.resolve(id);
      await lc.deps.runtime.kill(c.id, 9);
      lc.deps.svc.emit(c, 'kill', { signal: '9' });
    },
  };
}

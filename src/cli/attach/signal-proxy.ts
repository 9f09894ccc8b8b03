// --sig-proxy: while attached, signals berth receives go to the container's process through
// POST /containers/{id}/kill instead of ending berth (docker's ForwardAllSignals). Node cannot
// catch SIGKILL/SIGSTOP nor the fault signals it reserves; SIGCHLD, SIGPIPE and SIGURG are not forwarded.
import type { ContainersApi } from '../../client/containers-api.ts';

const FORWARDED: NodeJS.Signals[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTRAP', 'SIGABRT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGTERM', 'SIGCONT',
  'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** Starts forwarding; the returned function stops it and gives the signals back to node. */
export function forwardSignals(containers: ContainersApi, id: string, debug?: (line: string) => void): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of FORWARDED) {
    const handler = () => {
      containers.kill(id, sig.slice(3)).catch((err: Error) => debug?.(`Error sending signal: ${err.message}`));
    };
    try {
      process.on(sig, handler);
      handlers.set(sig, handler);
    } catch {
      // Not every platform lets every signal be caught; the rest are still forwarded.
    }
  }
  return () => {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  };
}

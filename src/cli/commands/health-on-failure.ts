// berth's `--health-on-failure` for run and create (the docker CLI has no such flag; Podman has
// the same one): the action berthd takes when the container turns unhealthy, sent as
// HostConfig.HealthOnFailure. Kept apart so the run/create flag table can take it in as one row:
//   [HEALTH_ON_FAILURE_FLAG, HEALTH_ON_FAILURE_HELP, scalar(parseHealthOnFailure)]
// and the create body gets `...healthOnFailureHostConfig(flags.healthOnFailure)` in HostConfig.

export const HEALTH_ON_FAILURE_FLAG = '--health-on-failure <string>';
export const HEALTH_ON_FAILURE_HELP = 'Action to take when the container turns unhealthy (none|kill|restart|stop) (default "none")';

const ACTIONS = ['none', 'kill', 'restart', 'stop'];

/** The flag's value checked as it is read; the message is the reason in pflag's "invalid argument" line. */
export function parseHealthOnFailure(value: string): string {
  if (!ACTIONS.includes(value)) throw new Error(`valid actions are ${ACTIONS.join(', ')}`);
  return value;
}

/** What HostConfig gets: nothing for none (the default), so requests stay as docker's. */
export function healthOnFailureHostConfig(value: string | undefined): { HealthOnFailure?: string } {
  return value && value !== 'none' ? { HealthOnFailure: value } : {};
}

// The rows of the summary, in the order issue 13 lists them, each with where its figure comes
// from (a bench's JSON and the key of its row there) and its goal with the goal's source. Goals
// come from ../shared/DESIGN.md's "Figures to beat" and the issues; where none was ever stated
// the row says so, and its goal is parity with dockerd, marked as proposed here.

export type BenchKind = 'startup' | 'pull' | 'containers' | 'build';

export interface Goal {
  text: string;
  /** berthd/dockerd at most this; with `absolute`, berthd's own value (same unit). */
  max?: number;
  absolute?: boolean;
  /** The goal is judged by another row of the same file (its `met`), e.g. a count of misses. */
  metFrom?: string;
  source: string;
}

export interface RowSpec {
  kind: BenchKind;
  key: string;
  label: string;
  goal: Goal;
}

const DESIGN = 'DESIGN.md';
const PROPOSED = 'none stated; parity proposed';
const half = (source: string): Goal => ({ text: '≤ 1/2', max: 1 / 2, source });
const parity = (source: string): Goal => ({ text: '≤ 1×', max: 1, source });
/** The CLI rows' goal is against `node -e 0` in the same run: the startup bench judges it. */
const cliGoal: Goal = { text: '≤ node -e 0 + 15 ms', source: `${DESIGN}, issue 12` };

export const SUMMARY_ROWS: readonly RowSpec[] = [
  { kind: 'startup', key: 'daemon_ready', label: 'daemon ready (start → first _ping)', goal: half(`${DESIGN}, issue 12`) },
  { kind: 'startup', key: 'idle_rss', label: 'idle daemon RSS, whole tree', goal: half(`${DESIGN}, issue 12`) },
  { kind: 'startup', key: 'idle_pss', label: 'idle daemon PSS, whole tree', goal: half(`${DESIGN} (RSS goal)`) },
  { kind: 'containers', key: 'ping_median', label: 'GET /_ping', goal: parity(PROPOSED) },
  { kind: 'startup', key: 'cli_version', label: 'CLI version (berth vs docker)', goal: cliGoal },
  { kind: 'startup', key: 'cli_ps', label: 'CLI ps (berth vs docker)', goal: cliGoal },
  { kind: 'containers', key: 'create_median', label: 'docker create', goal: parity(DESIGN) },
  { kind: 'containers', key: 'run_rm_bridge_median', label: 'run --rm, bridge', goal: { text: '≤ 1/3', max: 1 / 3, source: `${DESIGN}, issue 10` } },
  { kind: 'containers', key: 'run_rm_bridge_overhead_pairs', label: 'run --rm, bridge − none', goal: { text: '≤ 15 ms', max: 15, absolute: true, source: 'issue 10' } },
  { kind: 'containers', key: 'run_rm_median', label: 'run --rm, --network none', goal: { text: '≤ 1/4', max: 1 / 4, source: DESIGN } },
  { kind: 'containers', key: 'exec_median', label: 'docker exec', goal: parity(`${DESIGN} (with runc)`) },
  { kind: 'containers', key: 'parallel_20_run_rm_wall', label: '20 × run --rm at once, wall', goal: half(DESIGN) },
  { kind: 'containers', key: 'memory_per_container', label: 'memory per idle container (PSS)', goal: half(DESIGN) },
  { kind: 'containers', key: 'ps_a_200_median', label: 'ps -a, 200 containers', goal: parity(DESIGN) },
  { kind: 'containers', key: 'logs_tail_10_median', label: 'logs --tail 10, 200k lines', goal: parity(DESIGN) },
  { kind: 'containers', key: 'logs_full_median', label: 'logs, 200k lines', goal: half(DESIGN) },
  { kind: 'containers', key: 'publish_first_answer_median', label: 'published port, first answer after run -d', goal: { text: 'answers at once', metFrom: 'publish_first_connect_failed', source: 'issue 10' } },
  { kind: 'containers', key: 'publish_throughput_1gib', label: '1 GiB through a published port', goal: parity(PROPOSED) },
  { kind: 'pull', key: 'pull_200mb_5_layers', label: 'pull 200 MB, 5 layers, loopback registry', goal: parity(PROPOSED) },
  { kind: 'build', key: 'build_10_steps_cold', label: 'build, 10 steps, cold', goal: half('issue 11') },
  { kind: 'build', key: 'build_10_steps_cached', label: 'build, 10 steps, cached', goal: { text: '≤ 1/3', max: 1 / 3, source: 'issue 11' } },
  { kind: 'containers', key: 'compose_up', label: 'docker-compose up -d, 3 services', goal: parity(PROPOSED) },
  { kind: 'containers', key: 'compose_down', label: 'docker-compose down, 3 services', goal: parity(PROPOSED) },
];

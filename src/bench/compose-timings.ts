// `docker-compose up -d` and `down` of a three-service project with Debian's docker-compose 1.29
// (Python, docker-py: its own start, ~0.5 s here, is in both engines' figures alike): a web
// server with a port published on 127.0.0.1, a worker and a store with a named volume, on the
// project's own network. Engines take turns; each up is checked (three containers running)
// before its down is timed. dockerd's project network is made inside its network namespace.
// The services stop on SIGKILL: as PID 1, httpd and sleep ignore SIGTERM, and `down` would
// time both engines' 10 s stop timeout (twice: worker, then web) rather than their work.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, type Cli } from './docker-cli.ts';
import type { Measure } from './report.ts';
import { figures, measureOf, type EngineName } from './sampling.ts';

const PROJECT = `version: "2.4"
services:
  web:
    image: busybox
    command: httpd -f -p 80
    stop_signal: SIGKILL
    ports: ["127.0.0.1::80"]
  worker:
    image: busybox
    command: sleep 1000
    stop_signal: SIGKILL
    depends_on: [web]
  store:
    image: busybox
    command: sleep 1000
    stop_signal: SIGKILL
    volumes: ["data:/data"]
volumes:
  data: {}
`;

export function writeComposeProject(dir: string): string {
  const at = join(dir, 'compose-bench');
  mkdirSync(at);
  writeFileSync(join(at, 'docker-compose.yml'), PROJECT);
  return at;
}

function compose(cli: Cli, project: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('docker-compose', ['-p', 'benchc', '--project-directory', project, '-f', join(project, 'docker-compose.yml'), ...args], { env: cli.env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`docker-compose ${args.join(' ')} exited with ${r.status}: ${(r.stderr ?? String(r.error)).trim().split('\n').pop()}`);
  return ms;
}

export function composeUpDown(clis: readonly Cli[], n: number, project: string): Measure[] {
  const up = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  const down = new Map<EngineName, number[] | Error>(clis.map((c) => [c.engine.name, []]));
  for (let i = 0; i < 1 + n; i++) {
    for (const cli of clis) {
      const name = cli.engine.name;
      const [u, d] = [up.get(name)!, down.get(name)!];
      if (u instanceof Error || d instanceof Error) continue;
      try {
        const upMs = compose(cli, project, ['up', '-d']);
        const running = docker(cli, ['ps', '-q', '--filter', 'label=com.docker.compose.project=benchc']).split('\n').filter(Boolean).length;
        if (running !== 3) throw new Error(`up -d left ${running} of 3 containers running`);
        const downMs = compose(cli, project, ['down', '-v']);
        if (i >= 1) u.push(upMs), d.push(downMs);
      } catch (err) {
        up.set(name, err as Error);
        down.set(name, err as Error);
        spawnSync('docker-compose', ['-p', 'benchc', '-f', join(project, 'docker-compose.yml'), 'down', '-v'], { env: cli.env, stdio: 'ignore' });
      }
    }
  }
  return [
    measureOf('compose_up', `docker-compose up -d, three services, a network, a volume, median of ${n}`, 'ms', figures(up), { max: 1, text: '1× (proposed)' }),
    measureOf('compose_down', `docker-compose down -v of the same, median of ${n}`, 'ms', figures(down), { max: 1, text: '1× (proposed)' }),
  ];
}

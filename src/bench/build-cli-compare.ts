// `node dist/bench/build-cli-compare.js [dockerd|berthd]`: the berth CLI's build commands side
// by side with the docker CLI's classic build (DOCKER_BUILDKIT=0), against a private Debian
// dockerd (never the system's) or a private berthd, and against a recording server that keeps
// what each CLI sent (the query; the tar's entries). Prints one line per case, and the
// differences; exits 1 if any. Not part of `make test`: it starts a dockerd of its own.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { decompressStream } from '../image/decompress.ts';
import { BERTH } from '../testing/berthd-harness.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { run, type RunResult } from '../testing/run.ts';
import { comparableOutput as normal } from '../testing/build-fixtures/build-output.ts';
import { removeBenchDir, startBerthd, startDockerd, stopEngine, type Engine } from './daemons.ts';

const CASES: [string, string][] = [
  ['build', '$CLI build --no-cache -t cmp:1 --build-arg WHO=x --label a=b app'],
  ['build -q', '$CLI build -q --no-cache app'],
  ['build --compress', '$CLI build --compress --no-cache app'],
  ['failing RUN', '$CLI build -t bad:1 bad'],
  ['failing RUN, -q', '$CLI build -q bad'],
  ['unknown instruction', '$CLI build unknown'],
  ['stdin Dockerfile', '$CLI build --no-cache - < stdin/Dockerfile'],
  ['stdin tar.gz, -f', 'tar -czf - -C app . | $CLI build --no-cache -f Dockerfile -'],
  ['-f outside the context', '$CLI build --no-cache -f outside/Dockerfile.out outside/ctx'],
  ['-f -', '$CLI build --no-cache -f - outside/ctx < outside/Dockerfile.out'],
  ['.dockerignore exceptions', '$CLI build --no-cache ignore'],
  ['--target', '$CLI build --no-cache --target base stages'],
  ['path not found', '$CLI build nosuch'],
  ['bad tag', '$CLI build -t Bad:tag app'],
  ['both from stdin', '$CLI build -f - - < stdin/Dockerfile'],
  ['builder prune', '$CLI builder prune -f --filter until=1h'],
];

const FILES: Record<string, string> = {
  'app/Dockerfile': 'FROM busybox\nARG WHO=world\nENV GREETING=hello\nWORKDIR /app\nCOPY greet.sh ./\nRUN chmod +x greet.sh && echo "built for $WHO"\nCMD ["./greet.sh"]\n',
  'app/greet.sh': '#!/bin/sh\necho "$GREETING from $(pwd)"\n',
  // No stderr: how dockerd interleaves a RUN's stdout and stderr varies from run to run.
  'bad/Dockerfile': 'FROM busybox\nRUN echo out; exit 3\n',
  'unknown/Dockerfile': 'FROM busybox\nFOO bar\n',
  'stdin/Dockerfile': 'FROM busybox\nRUN echo from stdin\n',
  'outside/ctx/.dockerignore': 'secret\n*.tmp\n',
  'outside/ctx/keep': 'k',
  'outside/ctx/secret': 's',
  'outside/ctx/x.tmp': '',
  'outside/Dockerfile.out': 'FROM busybox\nCOPY . /ctx\nRUN find /ctx | sort\n',
  'ignore/Dockerfile': 'FROM busybox\nCOPY . /ctx\nRUN find /ctx | sort\n',
  'ignore/.dockerignore': '# all but\n*\n!keep\n!sub/keep\nDockerfile\n',
  'ignore/keep': 'k', 'ignore/drop': '', 'ignore/sub/keep': '', 'ignore/sub/drop': '',
  'stages/Dockerfile': 'FROM busybox AS base\nRUN echo base > /base\nFROM base AS test\nRUN echo test\nFROM busybox\nCOPY --from=base /base /copied\n',
};


/** Asynchronous: the recording server answers from this same process. */
function runLine(line: string, cli: 'berth' | 'docker', dir: string, host: string): Promise<RunResult> {
  const bin = cli === 'berth' ? `"${process.execPath}" "${BERTH}"` : 'docker';
  const env = { DOCKER_HOST: host, DOCKER_CONFIG: join(dir, 'config'), DOCKER_BUILDKIT: '0' };
  return run('sh', ['-c', line.replaceAll('$CLI', bin)], { cwd: dir, env, timeoutMs: 120_000 });
}

/** A daemon that records each POST /build (query, tar entries) and answers with a one-line build. */
async function recorder(sock: string): Promise<{ server: http.Server; take: () => string }> {
  let last = '';
  const server = http.createServer((req, res) => {
    if (req.url!.endsWith('/_ping')) return void res.setHeader('Api-Version', '1.50').end('OK');
    const names: string[] = [];
    const ex = extract();
    ex.on('entry', (h, s, next) => {
      names.push(`${h.type} ${h.name} ${h.mode?.toString(8)} ${h.uid}:${h.gid} ${h.linkname ?? ''} ${h.size}`);
      s.resume();
      s.on('end', next);
    });
    // The docker CLI's tar with an added Dockerfile lacks the end of its last entry: read what is there.
    const done = () => {
      // Sorted: docker rewrites .dockerignore in place, berth adds it at the end.
      last = `${decodeURIComponent(req.url!.replace(/^\/v[0-9.]+/, ''))}\n${names.sort().join('\n')}`;
      res.setHeader('Content-Type', 'application/json');
      res.end('{"aux":{"ID":"sha256:' + '0'.repeat(64) + '"}}\r\n');
    };
    ex.on('finish', done);
    ex.on('error', done);
    void decompressStream(req).then((tar) => tar.pipe(ex), done);
  });
  await new Promise<void>((r) => server.listen(sock, r));
  const take = () => {
    const got = last;
    last = '(nothing sent)';
    return got;
  };
  return { server, take };
}

async function main(): Promise<number> {
  const which = process.argv[2] === 'berthd' ? 'berthd' : 'dockerd';
  const dir = mkdtempSync(join(tmpdir(), 'berth-build-compare-'));
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  let engine: Engine | undefined;
  let failures = 0;
  const report = (name: string, a: string, b: string) => {
    if (a === b) return console.log(`same     ${name}`);
    failures++;
    console.log(`DIFFERS  ${name}\n--- docker\n${a}\n--- berth\n${b}\n`);
  };
  try {
    engine = which === 'berthd' ? await startBerthd(dir) : await startDockerd(dir);
    if (!engine) throw new Error('dockerd is not installed (docker.io)');
    const host = `unix://${engine.sock}`;
    const imp = spawn('docker', ['import', '-c', 'CMD ["sh"]', '-', 'busybox:latest'], { env: { ...process.env, DOCKER_HOST: host }, stdio: ['pipe', 'ignore', 'inherit'] });
    busyboxRootfs().pipe(imp.stdin);
    await new Promise((r) => imp.on('exit', r));
    for (const [name, line] of CASES) {
      const d = await runLine(line, 'docker', dir, host);
      const b = await runLine(line, 'berth', dir, host);
      const show = (r: RunResult) => `exit ${r.code}\n${normal(r.stdout)}\n[stderr]\n${normal(r.stderr)}`;
      report(`${which}: ${name}`, show(d), show(b));
    }
    const rec = await recorder(join(dir, 'recorder.sock'));
    try {
      for (const [name, line] of CASES.filter(([, l]) => l.includes(' build '))) {
        const sent = async (cli: 'berth' | 'docker') => (await runLine(line, cli, dir, `unix://${join(dir, 'recorder.sock')}`), normal(rec.take()));
        report(`wire: ${name}`, await sent('docker'), await sent('berth'));
      }
    } finally {
      rec.server.close();
    }
  } finally {
    if (engine) await stopEngine(engine);
    const left = removeBenchDir(dir);
    if (left.length) console.log(`cleaned up after the daemon: ${left.join(', ')}`);
  }
  return failures ? 1 : 0;
}

process.exitCode = await main();

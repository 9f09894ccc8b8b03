// Faults under the daemon: a runtime that fails (a wrapper around runc, registered with
// --add-runtime, that fails `create` or `start` one time in three), a container's conmon killed,
// and a container killed by the OOM killer. Each must end in a clean answer — a 4xx/5xx that
// says what failed, never a hang or a reset — and leave nothing behind; the daemon goes on.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BerthClient } from '../client/index.ts';
import { FaultDaemon } from './fault-daemon.ts';
import { checkLeftovers } from './checks.ts';
import { outcomeOf } from './outcome.ts';
import { runPhase, type PhaseIo } from './phase.ts';
import { importImage, unlessNotFound } from '../testing/api.ts';
import { busyboxRootfs } from '../testing/busybox.ts';
import { within } from '../testing/until.ts';
import { processesOf } from '../testing/leftovers.ts';

const FLAKY = `#!/bin/sh
# test-faults: runc that fails create or start one time in three (the first command word decides).
for a in "$@"; do
  case "$a" in
    create|start)
      if [ $(( $(od -An -N1 -tu1 /dev/urandom) % 3 )) -eq 0 ]; then echo "flaky-runc: injected failure of $a" >&2; exit 1; fi
      break ;;
  esac
done
exec /usr/sbin/runc "$@"
`;

export async function runtimePhase(o: { runs: number }, io: PhaseIo): Promise<string[]> {
  const fd = new FaultDaemon((dir) => {
    const flaky = join(dir, 'flaky-runc');
    writeFileSync(flaky, FLAKY);
    chmodSync(flaky, 0o755);
    return { args: ['--add-runtime', `flaky=${flaky}`] };
  });
  const seen = new Set<string>();
  return runPhase('runtime faults', fd, io, async (findings) => {
    await fd.start();
    const c = fd.client();
    const image = await importImage(c.api, busyboxRootfs(), { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] });
    io.say(`== runtime faults: a failing runtime (${o.runs} runs), conmon killed, the OOM killer`);
    findings.push(...(await flakyRuns(c, image, o.runs, seen, io)).map((f) => `failing runtime: ${f}`));
    findings.push(...(await conmonKilled(c, image, seen)).map((f) => `conmon killed: ${f}`));
    findings.push(...(await oomKilled(c, image, seen)).map((f) => `OOM: ${f}`));
    for (const x of await c.containers.list({ all: true })) await within(`rm -f ${x.Id.slice(0, 12)}`, c.containers.remove(x.Id, { force: true }), 30_000).catch((e: Error) => findings.push(`rm -f ${x.Id.slice(0, 12)}: ${e.message}`));
    findings.push(...(await io.settle(() => checkLeftovers(fd, c, seen, false), 10_000)).map((f) => `after the runtime faults: ${f}`));
  });
}

/** Runs on the flaky runtime: each start answers (never hangs); a failure is a clean error that
 * carries the runtime's words, leaves the container not running, and a later start succeeds. */
async function flakyRuns(c: BerthClient, image: string, runs: number, seen: Set<string>, io: PhaseIo): Promise<string[]> {
  const findings: string[] = [];
  let failed = 0;
  for (let i = 0; i < runs; i++) {
    const { Id } = await c.containers.create({ Image: image, Cmd: ['sleep', '1000'], HostConfig: { Runtime: 'flaky' } } as never);
    seen.add(Id);
    let started = false;
    // A start fails with p ≈ 5/9 (create or start): 20 tries fail all together ~1e-5 of the time.
    for (let attempt = 0; attempt < 20 && !started; attempt++) {
      const err = await within(`start of ${Id.slice(0, 12)} on the failing runtime`, c.containers.start(Id).then(() => undefined, (e: unknown) => e), 60_000);
      if (err === undefined) {
        started = true;
        break;
      }
      failed++;
      const out = outcomeOf(err);
      if (out.label === 'error') findings.push(`start got no answer: ${out.finding}`);
      else if (!/injected failure/.test((err as Error).message)) findings.push(`start failed (${out.label}) without the runtime's words: ${(err as Error).message}`);
      const state = await stateOf(c, Id);
      if (state.Running) findings.push(`${Id.slice(0, 12)}: running after a failed start`);
    }
    if (!started) findings.push(`${Id.slice(0, 12)}: never started in 20 tries`);
  }
  io.say(`  ${runs} containers started on the failing runtime; ${failed} starts failed on the way`);
  return findings;
}

/** SIGKILL of a running container's conmon: recorded as exited, and wait, stop and rm answer. */
async function conmonKilled(c: BerthClient, image: string, seen: Set<string>): Promise<string[]> {
  const findings: string[] = [];
  const { Id } = await c.containers.create({ Image: image, Cmd: ['sleep', '1000'] });
  seen.add(Id);
  await within('start', c.containers.start(Id), 30_000);
  const conmon = processesOf([Id]).map((l) => l.split(': ')).find(([, cmd]) => cmd!.startsWith('/usr/bin/conmon') || cmd!.split(' ')[0]!.endsWith('conmon'));
  if (!conmon) return [`no conmon found for ${Id.slice(0, 12)}`];
  process.kill(Number(conmon[0]), 'SIGKILL');
  try {
    await within('the container recorded as not running after its conmon was killed', (async () => {
      while ((await stateOf(c, Id)).Running) await new Promise((r) => setTimeout(r, 200));
    })(), 20_000);
  } catch (err) {
    findings.push((err as Error).message);
  }
  const state = await within('inspect', stateOf(c, Id), 10_000);
  if (state.Status !== 'exited') findings.push(`${Id.slice(0, 12)}: status ${state.Status} after its conmon was killed (want exited)`);
  await within('POST /wait after conmon was killed', c.containers.wait(Id, 'not-running'), 20_000).catch((e: Error) => findings.push(e.message));
  await within('rm -f after conmon was killed', c.containers.remove(Id, { force: true }), 30_000).catch((e: Error) => findings.push(`rm -f: ${e.message}`));
  const left = processesOf([Id]);
  if (left.length) findings.push(`processes of the container left: ${left.join('; ').slice(0, 300)}`);
  return findings;
}

/** A process that allocates past --memory 32m: exit 137, OOMKilled true. */
async function oomKilled(c: BerthClient, image: string, seen: Set<string>): Promise<string[]> {
  const mb = 32 * 1024 * 1024;
  const { Id } = await c.containers.create({ Image: image, Cmd: ['sh', '-c', 'x=0123456789abcdef; while :; do x=$x$x; done'], HostConfig: { Memory: mb, MemorySwap: mb } });
  seen.add(Id);
  await c.containers.start(Id);
  const code = await within('the OOM-killed container to exit', c.containers.wait(Id, 'not-running'), 60_000).catch((e: Error) => e);
  if (code instanceof Error) return [code.message];
  const exit = { StatusCode: code };
  const state = await stateOf(c, Id);
  const findings: string[] = [];
  if (exit.StatusCode !== 137 || state.ExitCode !== 137) findings.push(`exit ${exit.StatusCode} (inspect ${state.ExitCode}), want 137`);
  if (state.OOMKilled !== true) findings.push(`OOMKilled ${state.OOMKilled}, want true`);
  return findings;
}

async function stateOf(c: BerthClient, id: string): Promise<{ Running: boolean; Status: string; ExitCode: number; OOMKilled: boolean }> {
  const inspected = (await unlessNotFound(c.containers.inspect(id))) as unknown as { State: { Running: boolean; Status: string; ExitCode: number; OOMKilled: boolean } } | undefined;
  return inspected?.State ?? { Running: false, Status: 'gone', ExitCode: -1, OOMKilled: false };
}

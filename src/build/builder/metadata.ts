// The config-only instructions: each changes the stage's config and returns the comment dockerd
// puts after "#(nop) " in the history (formats checked against dockerd 20.10's `docker
// history`, e.g. `VOLUME [/data /x]`, `CMD ["/bin/sh" "-c" "echo hi"]`, `EXPOSE 443/udp 80`).
import { constants } from 'node:os';
import { invalidParameter } from '../../api/types/errors.ts';
import type { ContainerConfig, HealthConfig } from '../../image/types.ts';
import type { Command, Instruction } from '../dockerfile/types.ts';
import type { Expander, StageRun } from './build-run.ts';
import { formatGoDuration } from '../../lib/go-duration.ts';
import { goList, goQuoteList, goQuoteRune } from './go-format.ts';
import { setEnv, shellOf } from './state.ts';

/** Everything but RUN, COPY and ADD (WORKDIR shares its shape with USER; workdir-step.ts). */
export type MetadataInstruction = Exclude<Instruction, { kind: 'RUN' | 'COPY' | 'ADD' }>;

export const resolveCommand = (c: Command, config: ContainerConfig): string[] => (c.form === 'exec' ? c.argv : [...shellOf(config), c.script]);

/** Applies `inst` to the stage's config; returns the history comment. */
export function applyMetadata(sr: StageRun, inst: MetadataInstruction, x: Expander): string {
  const { st } = sr;
  const c = st.config;
  switch (inst.kind) {
    case 'ENV': {
      // All pairs expand with the env as it was before the instruction, as docker does.
      const pairs = inst.pairs.map(([k, v]) => [x.word(k), x.word(v)] as const);
      for (const [k, v] of pairs) setEnv(c, k, v);
      return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'LABEL': {
      const pairs = inst.pairs.map(([k, v]) => [x.word(k), x.word(v)] as const);
      c.Labels = { ...c.Labels, ...Object.fromEntries(pairs) };
      return `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'ARG': {
      const args = inst.args.map((a) => ({ name: a.name, value: a.default === undefined ? undefined : x.word(a.default) }));
      for (const a of args) st.args.declare(a.name, a.value);
      return `ARG ${args.map((a) => (a.value === undefined ? a.name : `${a.name}=${a.value}`)).join(' ')}`;
    }
    case 'EXPOSE': {
      const ports = inst.ports.flatMap((p) => x.words(p)).sort();
      c.ExposedPorts = { ...c.ExposedPorts, ...Object.fromEntries(ports.flatMap(portKeys).map((k) => [k, {}])) };
      return `EXPOSE ${ports.join(' ')}`;
    }
    case 'VOLUME': {
      const paths = inst.paths.map((p) => x.word(p));
      if (paths.some((p) => p.trim() === '')) throw invalidParameter('VOLUME specified can not be an empty string');
      c.Volumes = { ...c.Volumes, ...Object.fromEntries(paths.map((p) => [p, {}])) };
      return `VOLUME ${goList(paths)}`;
    }
    case 'USER':
      c.User = x.word(inst.value);
      return `USER ${c.User}`;
    case 'STOPSIGNAL':
      c.StopSignal = checkSignal(x.word(inst.value));
      return `STOPSIGNAL ${c.StopSignal}`;
    case 'MAINTAINER':
      // Not expanded (dockerd does not); the author of this step's image and the stage's next.
      st.maintainer = inst.value;
      return `MAINTAINER ${inst.value}`;
    case 'CMD':
      c.Cmd = resolveCommand(inst.command, c);
      if (c.Cmd.length > 0) st.cmdSet = true;
      return `CMD ${goQuoteList(c.Cmd)}`;
    case 'ENTRYPOINT':
      c.Entrypoint = resolveCommand(inst.command, c);
      // An ENTRYPOINT resets a CMD inherited from the base image, not one set in this stage.
      if (!st.cmdSet) c.Cmd = null;
      return `ENTRYPOINT ${goQuoteList(c.Entrypoint)}`;
    case 'SHELL':
      c.Shell = inst.shell;
      return `SHELL ${goList(inst.shell)}`;
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), inst.trigger];
      return `ONBUILD ${inst.trigger}`;
    case 'HEALTHCHECK':
      return healthcheck(sr, inst);
    case 'WORKDIR':
      throw new Error('WORKDIR makes a layer: workdir-step.ts');
  }
}

function healthcheck(sr: StageRun, inst: Extract<Instruction, { kind: 'HEALTHCHECK' }>): string {
  const c = sr.st.config;
  const old = c.Healthcheck?.Test;
  if (old?.length && old[0] !== 'NONE') sr.lane.stream(`Note: overriding previous HEALTHCHECK: ${goList(old)}\n`);
  const h: HealthConfig = inst.none
    ? { Test: ['NONE'] }
    : { Test: inst.test.form === 'shell' ? ['CMD-SHELL', inst.test.script] : ['CMD', ...inst.test.argv], Interval: inst.interval, Timeout: inst.timeout, StartPeriod: inst.startPeriod, StartInterval: inst.startInterval, Retries: inst.retries };
  // Zero means "inherit the default": omitted, as dockerd's JSON (omitempty) leaves it out.
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) if (!h[k]) delete h[k];
  c.Healthcheck = h;
  const d = (n: number | undefined) => `"${formatGoDuration(n ?? 0)}"`;
  return `HEALTHCHECK &{${goQuoteList(h.Test!)} ${d(h.Interval)} ${d(h.Timeout)} ${d(h.StartPeriod)} ${goQuoteRune(h.Retries ?? 0)}}`;
}

/** "80" → 80/tcp; "8000-8001/udp" → each port of the range. */
function portKeys(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(spec);
  if (!m) throw invalidParameter(`Invalid containerPort: ${spec}`);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (last < first || last > 65535) throw invalidParameter(`Invalid containerPort: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return Array.from({ length: last - first + 1 }, (_, i) => `${first + i}/${proto}`);
}

function checkSignal(s: string): string {
  const name = s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`;
  const ok = /^\d+$/.test(s) ? Number(s) > 0 && Number(s) <= 64 : name in constants.signals || /^SIGRT(MIN|MAX)([+-]\d+)?$/.test(name);
  if (!ok) throw invalidParameter(`Invalid signal: ${s}`);
  return s;
}

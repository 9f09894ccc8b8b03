// One stage's state while it is dispatched: the image so far, the config that will be
// committed with the next step (dockerd's runConfig), the ARGs in scope, and the two flags the
// classic builder keeps (CMD set in this stage; cache busted: after the first miss no lookups),
// and its maintainer (MAINTAINER: the author of every image the stage makes from then on).
import type { ContainerConfig } from '../../image/types.ts';
import type { StepMeta } from '../host.ts';
import type { StageArgs } from './build-args.ts';

/** dockerd's DefaultPathEnv for Linux, given to a stage whose base image has no PATH. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export interface StageState {
  image: string | undefined;
  config: ContainerConfig;
  args: StageArgs;
  cmdSet: boolean;
  cacheBusted: boolean;
  /** MAINTAINER's value in this stage (none from the base image, as in dockerd). */
  maintainer?: string;
}

export function stageState(base: ContainerConfig | undefined, args: StageArgs): StageState {
  const config: ContainerConfig = structuredClone(base ?? {});
  if (!(config.Env ?? []).some((e) => e.startsWith('PATH='))) config.Env = [...(config.Env ?? []), `PATH=${DEFAULT_PATH}`];
  return { image: undefined, config, args, cmdSet: false, cacheBusted: false };
}

/** What the host writes beside a step's config: the stage's maintainer as the author. */
export const stepMeta = (st: StageState): StepMeta => (st.maintainer ? { author: st.maintainer } : {});

export const shellOf = (config: ContainerConfig): string[] => (config.Shell?.length ? config.Shell : DEFAULT_SHELL);

export function setEnv(config: ContainerConfig, key: string, value: string): void {
  const env = config.Env ?? [];
  const i = env.findIndex((e) => e.split('=', 1)[0] === key);
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
  config.Env = env;
}

/** The variables an instruction's words expand with: Env first (ENV wins), then the ARGs. */
export function expansionEnv(st: StageState): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of st.config.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) env.set(e.slice(0, i), e.slice(i + 1));
  }
  for (const [k, v] of st.args.allowed()) if (!env.has(k)) env.set(k, v);
  return env;
}

/** The createdBy of a config-only step, as dockerd writes it: `/bin/sh -c #(nop)  CMD ["sh"]`. */
export const nopComment = (config: ContainerConfig, comment: string): string => [...shellOf(config), '#(nop) ', comment].join(' ');

/** WORKDIR's and COPY's createdBy (one space: dockerd builds these as one word). */
export const nopCommentString = (config: ContainerConfig, comment: string): string => [...shellOf(config), `#(nop) ${comment}`].join(' ');

export const shortId = (id: string | undefined): string => (id ?? '').replace(/^sha256:/, '').slice(0, 12);

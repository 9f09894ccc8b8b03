// Which OCI runtime runs each container. A container names its runtime in HostConfig.Runtime
// (the daemon's default is stored at create, as dockerd does); each start looks that name up in
// the configuration of the moment, and the run then keeps what it was started with — binary,
// arguments, state directory — recorded in its bundle as runtime.json. So a running container
// is stopped, exec'd into, paused, updated and restored by the runtime that created it, whatever
// the configuration says since; a stopped one whose runtime left the configuration cannot start
// (dockerd's "Unknown runtime specified", 400).
//
// State directories (each runtime's --root): <exec-root>/runc for the built-in runc, and
// <exec-root>/runtimes/<name>.<hash of binary and arguments> for any other, so two binaries never
// share one (crun reads the FIFO runc writes; their state files differ). Such a directory holds a
// runtime.json as well, so a restore can list it even after its runtime left the configuration.
//
// The per-container operations take the container's id, as OciRuntime's do, so the lifecycle
// calls them without knowing which runtime answers.
import { createHash } from '../../lib/lazy-crypto.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidParameter } from '../../api/types/errors.ts';
import { STOCK_RUNTIME, offeredRuntimes } from '../config/defaults.ts';
import type { RuntimeConfig } from '../config/types.ts';
import { OciRuntime, type OciState } from '../../runtime/monitor/oci-runtime.ts';
import { binaryName, hostRefusal } from '../../runtime/monitor/runtime-support.ts';
import { which } from '../../lib/which.ts';
import type { Logger } from '../../lib/logger.ts';

export interface ContainerRuntimesDeps {
  execRoot: string;
  /** The configuration of the moment (SIGHUP may change it). */
  config: () => { defaultRuntime: string; runtimes: Readonly<Record<string, RuntimeConfig>> };
  /** The container's bundle directory, where its run's runtime.json goes. */
  bundle: (id: string) => string;
  logger?: Logger;
}

/** What a run was started with. */
interface RuntimeRecord {
  name: string;
  path: string;
  args: string[];
  root: string;
}

export class ContainerRuntimes {
  readonly #deps: ContainerRuntimesDeps;
  /** The runtime of each container's current (or last) run. */
  readonly #runs = new Map<string, OciRuntime>();
  /** One OciRuntime per state directory. */
  readonly #byRoot = new Map<string, OciRuntime>();

  constructor(deps: ContainerRuntimesDeps) {
    this.#deps = deps;
  }

  get defaultName(): string {
    return this.#deps.config().defaultRuntime;
  }

  /** HostConfig.Runtime as a create stores it: the default when none is named. Throws a 400 for
   * a name not configured, or a runtime known not to run here (the container could never start). */
  nameForCreate(requested: unknown): string {
    if (requested !== undefined && requested !== null && typeof requested !== 'string') {
      throw invalidParameter('invalid value for "HostConfig.Runtime": expected a string');
    }
    const name = requested || this.defaultName;
    this.#resolve(name);
    return name;
  }

  /** The runtime a start of container `id` uses (throws as nameForCreate), made the run's own:
   * recorded in the bundle, which must exist. */
  forStart(id: string, name: string | undefined): OciRuntime {
    const record = this.#resolve(name || this.defaultName);
    const runtime = this.#runtimeFor(record);
    writeFileSync(join(this.#deps.bundle(id), 'runtime.json'), JSON.stringify(record));
    this.#runs.set(id, runtime);
    return runtime;
  }

  /** What a start with `name` would use, as text: a prepared start made with another is not used. */
  identity(name: string | undefined): string {
    try {
      return JSON.stringify(this.#resolve(name || this.defaultName));
    } catch (err) {
      return `unusable: ${(err as Error).message}`;
    }
  }

  /** The runtime of the container's current or last run: from memory, its bundle's record, or
   * (a run from before runtimes were recorded) the built-in runc. */
  of(id: string): OciRuntime {
    const known = this.#runs.get(id);
    if (known) return known;
    let runtime: OciRuntime;
    try {
      runtime = this.#runtimeFor(JSON.parse(readFileSync(join(this.#deps.bundle(id), 'runtime.json'), 'utf8')) as RuntimeRecord);
    } catch {
      runtime = this.#runtimeFor(this.#record(STOCK_RUNTIME, { path: 'runc' }));
    }
    this.#runs.set(id, runtime);
    return runtime;
  }

  start(id: string, initPid?: number): Promise<void> {
    return this.of(id).start(id, initPid);
  }

  kill(id: string, signal: string | number = 'TERM', all = false): Promise<void> {
    return this.of(id).kill(id, signal, all);
  }

  async delete(id: string, force = false): Promise<void> {
    await this.of(id).delete(id, force);
    this.#runs.delete(id);
  }

  pause(id: string): Promise<void> {
    return this.of(id).pause(id);
  }

  resume(id: string): Promise<void> {
    return this.of(id).resume(id);
  }

  update(id: string, resources: object): Promise<void> {
    return this.of(id).update(id, resources);
  }

  ps(id: string): Promise<number[]> {
    return this.of(id).ps(id);
  }

  /** Every container in every state directory under the exec root (for restore); each is then
   * handled by the runtime whose directory holds it. */
  async list(): Promise<OciState[]> {
    const out: OciState[] = [];
    // One directory's runtime failing (its binary gone since) must not hide the others'.
    // A state directory with no entry holds no container: its `runc list` (a spawn berthd's
    // start would wait for) is skipped.
    const held = this.#stateDirs().filter((r) => hasEntries(r.root));
    const lists = await Promise.allSettled(held.map(async (runtime) => ({ runtime, states: await runtime.list() })));
    for (const l of lists) {
      if (l.status === 'rejected') {
        this.#deps.logger?.warn('cannot list the containers of a runtime state directory', { error: (l.reason as Error).message });
        continue;
      }
      for (const state of l.value.states) {
        this.#runs.set(state.id, l.value.runtime);
        out.push(state);
      }
    }
    return out;
  }

  #resolve(name: string): RuntimeRecord {
    const offered = offeredRuntimes(this.#deps.config().runtimes);
    if (!Object.hasOwn(offered, name)) throw invalidParameter(`Unknown runtime specified ${name}`); // dockerd's text
    const record = this.#record(name, offered[name]!);
    const refusal = hostRefusal(record.path);
    if (refusal) throw invalidParameter(`runtime "${name}": ${refusal}`);
    return record;
  }

  #record(name: string, rt: RuntimeConfig): RuntimeRecord {
    // conmon wants an absolute path.
    const path = which(rt.path);
    const args = rt.runtimeArgs ?? [];
    if (name === STOCK_RUNTIME) return { name, path, args, root: join(this.#deps.execRoot, 'runc') };
    const hash = createHash('sha256').update(JSON.stringify([path, args])).digest('hex').slice(0, 12);
    return { name, path, args, root: join(this.#deps.execRoot, 'runtimes', `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.${hash}`) };
  }

  #runtimeFor(r: RuntimeRecord): OciRuntime {
    const known = this.#byRoot.get(r.root);
    if (known) return known;
    if (r.name !== STOCK_RUNTIME) {
      mkdirSync(r.root, { recursive: true, mode: 0o700 });
      writeFileSync(join(r.root, 'runtime.json'), JSON.stringify(r));
    }
    const runtime = new OciRuntime({ execRoot: this.#deps.execRoot, root: r.root, path: r.path, extraArgs: r.args, runcLayout: binaryName(r.path) === 'runc' });
    this.#byRoot.set(r.root, runtime);
    return runtime;
  }

  /** The built-in runc's directory and every other one that says which runtime made it. */
  #stateDirs(): OciRuntime[] {
    const dirs = [this.#runtimeFor(this.#record(STOCK_RUNTIME, { path: 'runc' }))];
    const parent = join(this.#deps.execRoot, 'runtimes');
    let names: string[] = [];
    try {
      // Looked for first: none exists until another runtime ran a container (lib/which.ts says
      // what a throw at start costs).
      if (existsSync(parent)) names = readdirSync(parent);
    } catch {
      // no other runtime has run a container here
    }
    for (const n of names) {
      try {
        dirs.push(this.#runtimeFor(JSON.parse(readFileSync(join(parent, n, 'runtime.json'), 'utf8')) as RuntimeRecord));
      } catch {
        // not one of ours
      }
    }
    return dirs;
  }
}

function hasEntries(dir: string): boolean {
  if (!existsSync(dir)) return false;
  try {
    return readdirSync(dir).length > 0;
  } catch (err) {
    // Not there: nothing was ever created in it. Anything else: let `list` find out.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

// What berthd acknowledged during the SIGKILL loop, checked after every restart. An operation
// that got its success answer must have happened (a created container, an imported image, a
// tag); one cut off by the kill may have happened or not — either is fine, half is not (the
// whole-object checks in checks.ts see to that) — and what the restarted daemon shows settles it.
import type { BerthClient } from '../client/index.ts';
import { unlessNotFound } from '../testing/api.ts';

export type Fate = 'present' | 'removed' | 'uncertain';

interface ContainerEntry {
  fate: Fate;
  /** Whether its process runs (live-restore keeps it across the kill). */
  running: 'yes' | 'no' | 'uncertain';
}

export class Ledger {
  readonly containers = new Map<string, ContainerEntry>();
  readonly images = new Map<string, Fate>();
  readonly tags = new Map<string, { imageId: string; fate: Fate }>();
  /** Every container id ever answered or listed: the ids whose leftovers are looked for. */
  readonly seen = new Set<string>();

  created(id: string): void {
    this.containers.set(id, { fate: 'present', running: 'no' });
    this.seen.add(id);
  }

  started(id: string, answered: boolean): void {
    const c = this.containers.get(id);
    if (c && c.fate !== 'removed') c.running = answered ? 'yes' : 'uncertain';
  }

  /** An rm -f cut off may have stopped the container without removing it. */
  removed(id: string, answered: boolean): void {
    const c = this.containers.get(id);
    if (!c) return;
    c.fate = answered ? 'removed' : 'uncertain';
    if (!answered) c.running = 'uncertain';
  }

  imported(id: string): void {
    this.images.set(id, 'present');
  }

  tagged(ref: string, imageId: string, answered: boolean): void {
    this.tags.set(ref, { imageId, fate: answered ? 'present' : 'uncertain' });
  }

  /** What the restarted daemon shows against what was acknowledged; uncertain entries are
   * settled by what it shows. Returns the findings. */
  async verify(client: BerthClient): Promise<string[]> {
    const findings: string[] = [];
    for (const id of (await client.containers.list({ all: true })).map((c) => c.Id)) {
      this.seen.add(id);
      if (!this.containers.has(id)) this.containers.set(id, { fate: 'present', running: 'uncertain' }); // a create cut off by the kill
    }
    for (const [id, c] of this.containers) {
      if (c.fate === 'removed') continue;
      const state = await inspectState(client, id);
      if (state === undefined) {
        if (c.fate === 'present') findings.push(`container ${id.slice(0, 12)}: created (acknowledged) but gone after the restart`);
        c.fate = 'removed';
        continue;
      }
      c.fate = 'present';
      if (c.running === 'yes' && !state.Running) findings.push(`container ${id.slice(0, 12)}: started (acknowledged) but not running after the restart (live-restore): ${state.Status}`);
      c.running = state.Running ? 'yes' : 'no';
    }
    for (const [id, fate] of this.images) {
      if (!(await exists(() => client.images.inspect(id)))) findings.push(`image ${id.slice(7, 19)}: imported (acknowledged) but gone after the restart`);
      else if (fate !== 'present') this.images.set(id, 'present');
    }
    for (const [ref, t] of this.tags) {
      const got = (await unlessNotFound(client.images.inspect(ref)))?.Id as string | undefined;
      if (got === undefined && t.fate === 'present') findings.push(`tag ${ref}: acknowledged but gone after the restart`);
      if (got !== undefined && got !== t.imageId) findings.push(`tag ${ref}: points to ${got.slice(7, 19)}, not ${t.imageId.slice(7, 19)}`);
      t.fate = got === undefined ? 'removed' : 'present';
    }
    return findings;
  }

  /** Containers acknowledged present: the pool the loop works on. */
  present(): string[] {
    return [...this.containers].filter(([, c]) => c.fate === 'present').map(([id]) => id);
  }
}

async function inspectState(client: BerthClient, id: string): Promise<{ Running: boolean; Status: string } | undefined> {
  return ((await unlessNotFound(client.containers.inspect(id))) as unknown as { State: { Running: boolean; Status: string } } | undefined)?.State;
}

export async function exists(op: () => Promise<unknown>): Promise<boolean> {
  return (await unlessNotFound(op().then(() => true))) ?? false;
}

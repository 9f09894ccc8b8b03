// Output of stages that build at the same time, kept readable: each stage writes to its own
// lane; the earliest unfinished stage streams live, later ones are held and written, in stage
// order, when every stage before them has finished. The user thus reads exactly what a
// sequential build prints (Step numbers in order), only sooner. On failure everything held is
// written, in stage order, before the error, so the failing step's output is shown.
import type { BuildOutput } from '../options.ts';

type Item = { stream: string } | { aux: unknown };

export interface Lane {
  stream(text: string): void;
  aux(value: unknown): void;
}

interface LaneState {
  held: Item[];
  done: boolean;
}

export class OrderedOutput {
  readonly #out: BuildOutput;
  readonly #lanes: LaneState[] = [];
  #current = 0;

  constructor(out: BuildOutput, lanes: number) {
    this.#out = out;
    for (let i = 0; i < lanes; i++) this.#lanes.push({ held: [], done: false });
  }

  lane(i: number): Lane {
    return {
      stream: (text) => this.#write(i, { stream: text }),
      aux: (value) => this.#write(i, { aux: value }),
    };
  }

  /** The stage of lane i has ended: later lanes may go live. */
  finish(i: number): void {
    this.#lanes[i]!.done = true;
    while (this.#current < this.#lanes.length && this.#lanes[this.#current]!.done) {
      this.#current++;
      this.#flush(this.#current);
    }
  }

  /** Writes everything still held (after a failure), in lane order. */
  flushAll(): void {
    for (let i = this.#current; i < this.#lanes.length; i++) this.#flush(i);
    this.#current = this.#lanes.length;
  }

  #write(i: number, item: Item): void {
    if (i === this.#current) this.#emit(item);
    else this.#lanes[i]!.held.push(item);
  }

  #flush(i: number): void {
    const lane = this.#lanes[i];
    if (!lane) return;
    for (const item of lane.held.splice(0)) this.#emit(item);
  }

  #emit(item: Item): void {
    if ('stream' in item) this.#out.stream(item.stream);
    else this.#out.aux(item.aux);
  }
}

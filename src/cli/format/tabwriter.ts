// Go's text/tabwriter (elastic tabstops), as forked by docker/cli to measure
// East Asian wide characters as two columns. Semantics kept from Go:
//  - cells are tab-terminated; the last cell of a line (text before the
//    newline) belongs to no column and is never padded;
//  - a column block is a run of consecutive lines that have a cell in that
//    column; its width is max(minwidth, widest cell + padding);
//  - a line with a single cell ends every block, so the writer flushes there,
//    and '\f' flushes unconditionally.

export interface TabWriterOptions {
  minWidth: number;
  tabWidth: number;
  padding: number;
  padChar: string;
  alignRight?: boolean;
}

/** docker's `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`. */
export const DOCKER_TABLE: TabWriterOptions = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ' };

interface Cell { text: string; width: number }

export class TabWriter {
  readonly #opts: TabWriterOptions;
  #lines: Cell[][] = [[]];
  #cell = '';
  #out = '';

  constructor(opts: TabWriterOptions = DOCKER_TABLE) {
    this.#opts = opts;
  }

  write(text: string): void {
    for (const part of text.split(/([\t\v\n\f])/)) {
      if (!/^[\t\v\n\f]$/.test(part)) { this.#cell += part; continue; }
      const line = this.#lines.at(-1)!;
      line.push({ text: this.#cell, width: displayWidth(this.#cell) });
      this.#cell = '';
      if (part === '\n' || part === '\f') {
        this.#lines.push([]);
        if (part === '\f' || line.length === 1) this.#format();
      }
    }
  }

  /** Formats everything buffered and returns all output produced so far. */
  flush(): string {
    if (this.#cell !== '') {
      this.#lines.at(-1)!.push({ text: this.#cell, width: displayWidth(this.#cell) });
      this.#cell = '';
    }
    this.#format();
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #format(): void {
    this.#block(0, this.#lines.length, []);
    this.#lines = [[]];
  }

  // Go's Writer.format: find each block of lines sharing column `widths.length`,
  // size it, and recurse for the columns to its right.
  #block(line0: number, line1: number, widths: number[]): void {
    const column = widths.length;
    const hasCell = (l: number): boolean => column < this.#lines[l]!.length - 1;
    for (let l = line0; l < line1; l++) {
      if (!hasCell(l)) continue;
      this.#writeLines(line0, l, widths);
      line0 = l;
      let width = this.#opts.minWidth;
      for (; l < line1 && hasCell(l); l++) {
        width = Math.max(width, this.#lines[l]![column]!.width + this.#opts.padding);
      }
      this.#block(line0, l, [...widths, width]);
      line0 = l;
    }
    this.#writeLines(line0, line1, widths);
  }

  #writeLines(line0: number, line1: number, widths: number[]): void {
    for (let l = line0; l < line1; l++) {
      this.#lines[l]!.forEach((c, j) => {
        const pad = j < widths.length ? this.#padding(c.width, widths[j]!) : '';
        this.#out += this.#opts.alignRight ? pad + c.text : c.text + pad;
      });
      // The last buffered line has no newline of its own.
      if (l + 1 < this.#lines.length) this.#out += '\n';
    }
  }

  #padding(textWidth: number, cellWidth: number): string {
    const { padChar, tabWidth } = this.#opts;
    if (padChar !== '\t') return padChar.repeat(cellWidth - textWidth);
    if (tabWidth === 0) return '';
    // Tabs: round the cell up to a tab stop and emit enough tabs to reach it.
    const stop = Math.ceil(cellWidth / tabWidth) * tabWidth;
    return '\t'.repeat(Math.ceil((stop - textWidth) / tabWidth));
  }
}

/** Formats `text` in one go with docker's table settings. */
export function tabulate(text: string, opts: TabWriterOptions = DOCKER_TABLE): string {
  const w = new TabWriter(opts);
  w.write(text);
  return w.flush();
}

/** Terminal columns of a string: 0 for combining marks, 2 for wide CJK/emoji (like go-runewidth). */
export function displayWidth(s: string): number {
  // Indexed, not for-of over the string: every cell of every table passes here, and an iterator
  // (with the WIDE ranges destructured per character) made ~0.7 MB of garbage in a `berth version`,
  // a young-generation GC of its own.
  let width = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++; // the low half of a surrogate pair
    width += charWidth(c);
  }
  return width;
}

function charWidth(c: number): number {
  if (c >= 0x20 && c < 0x7f) return 1;
  if (c < 0xa0) return 0; // C0 and C1 controls, DEL
  // No combining mark lies below U+0300: ASCII and Latin-1 text never compiles the Unicode
  // property regex (~2 ms at its first use).
  if (c >= 0x300 && (zeroWidth ??= /[\p{Mn}\p{Me}\u200b-\u200f\ufe00-\ufe0f]/u).test(String.fromCodePoint(c))) return 0;
  return isWide(c) ? 2 : 1;
}

// Made at the first character that needs it, not with the module: V8 parses a /u class where the
// literal is evaluated, building ICU's sets for it (~1.6M instructions of every start).
let zeroWidth: RegExp | undefined;

const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

function isWide(c: number): boolean {
  for (const range of WIDE) if (c >= range[0] && c <= range[1]) return true;
  return false;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayWidth, TabWriter, tabulate } from './tabwriter.ts';

describe('tabwriter (Go text/tabwriter semantics)', () => {
  it('matches Go ExampleWriter_Init: tab padding, then right alignment', () => {
    const tabs = new TabWriter({ minWidth: 0, tabWidth: 8, padding: 0, padChar: '\t' });
    tabs.write('a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n');
    assert.equal(tabs.flush(), 'a\tb\tc\td\t\t.\n123\t12345\t1234567\t123456789\t.\n\n');

    const right = new TabWriter({ minWidth: 5, tabWidth: 0, padding: 1, padChar: ' ', alignRight: true });
    right.write('a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n');
    assert.equal(right.flush(), '    a     b       c         d.\n  123 12345 1234567 123456789.\n\n');
  });

  it('matches Go Example_elastic: columns are contiguous blocks; last cells are not aligned', () => {
    const w = new TabWriter({ minWidth: 0, tabWidth: 0, padding: 1, padChar: '.', alignRight: true });
    w.write('a\tb\tc\naa\tbb\tcc\naaa\t\naaaa\tdddd\teeee\n');
    // b and d sit in different columns because "aaa\t" interrupts the second column.
    assert.equal(w.flush(), '....a..bc\n...aa.bbcc\n..aaa\n.aaaa.ddddeeee\n');
  });

  it('applies docker settings: minwidth 10, padding 3', () => {
    assert.equal(tabulate('A\tB\nlong-value-here\tx\n'), 'A                 B\nlong-value-here   x\n');
    // Text after the last tab is left alone, and a trailing empty cell still pads its column.
    assert.equal(tabulate('X\tY\tZ\nx\t\t\n'), 'X         Y         Z\nx                   \n');
  });

  it('a line without tabs ends the column block', () => {
    assert.equal(tabulate('a\tb\nno tabs here\nlonger-cell\tc\n'), 'a         b\nno tabs here\nlonger-cell   c\n');
  });

  it('buffers across writes and flushes text without a final newline', () => {
    const w = new TabWriter();
    w.write('ab');
    w.write('c\tdef');
    assert.equal(w.flush(), 'abc       def');
  });

  it('measures wide and combining characters like go-runewidth', () => {
    assert.equal(displayWidth('日本'), 4);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('a\tb\u0085\u007f\u00e9\u00a0'), 4);
    assert.equal(displayWidth('\u{1F600}x\u200b\ufe0f\u20dd'), 3);
    assert.equal(tabulate('日本語\tx\nab\ty\n'), '日本語    x\nab        y\n');
  });
});

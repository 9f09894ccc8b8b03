import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatValue, sprint, sprintf, sprintln } from './printf.ts';
import { formatFloat, quote } from './strconv.ts';

describe('printf (Go fmt)', () => {
  it('formats the common verbs', () => {
    assert.equal(sprintf('%s|%d|%v|%t|%x|%X|%o|%b|%c|%U|%%', ['s', 42, 'v', true, 255, 255, 8, 5, 65, 0x1f600]),
      's|42|v|true|ff|FF|10|101|A|U+1F600|%');
    assert.equal(sprintf('%q %q', ['a"b\n', 97]), '"a\\"b\\n" \'a\'');
    assert.equal(sprintf('%x', ['hi']), '6869');
  });

  it('handles width, precision and flags', () => {
    assert.equal(sprintf('[%5s][%-5s][%.2s][%5.1s]', ['ab', 'ab', 'abc', 'xyz']), '[   ab][ab   ][ab][    x]');
    assert.equal(sprintf('[%5d][%-5d][%05d][%+d][% d][%#x][%*d]', [42, 42, -42, 7, 7, 255, 4, 1]), '[   42][42   ][-0042][+7][ 7][0xff][   1]');
    assert.equal(sprintf('[%f][%.2f][%8.3f][%08.2f][%.0f]', [1.5, 3.14159, 2.5, -1.5, 2.4]), '[1.500000][3.14][   2.500][-0001.50][2]');
    assert.equal(sprintf('[%e][%.2E][%g][%.3g][%G]', [123456, 0.000123, 1e21, 1234.5, 1e-7]), '[1.234560e+05][1.23E-04][1e+21][1.23e+03][1E-07]');
  });

  it('reports bad verbs, missing and extra arguments like Go', () => {
    assert.equal(sprintf('%d', ['x']), '%!d(string=x)');
    assert.equal(sprintf('%s', [5]), '%!s(int=5)');
    assert.equal(sprintf('%d', [1.5]), '%!d(float64=1.5)');
    assert.equal(sprintf('%t', [null]), '%!t(<nil>)');
    assert.equal(sprintf('%d %d', [1]), '1 %!d(MISSING)');
    assert.equal(sprintf('%d', [1, 'a', 2]), '1%!(EXTRA string=a, int=2)');
    assert.equal(sprintf('abc%', []), 'abc%!(NOVERB)');
  });

  it('prints composite values like Go (%v and element-wise verbs)', () => {
    assert.equal(formatValue({ b: [1, 'x'], a: { c: true } }), 'map[a:map[c:true] b:[1 x]]');
    assert.equal(formatValue([null, 1.25, 1e6, 1e21, 123456789.5]), '[<nil> 1.25 1000000 1000000000000000000000 1.234567895e+08]');
    assert.equal(sprintf('%v|%v|%q|%3d', [null, new Map([['k', 1]]), ['a', 'b'], [1, 2]]), '<nil>|map[k:1]|["a" "b"]|[  1   2]');
    assert.equal(formatValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500))), '2024-01-02 03:04:05.5 +0000 UTC');
    assert.equal(formatValue([NaN, Infinity, -Infinity]), '[NaN +Inf -Inf]');
  });

  it('Sprint spaces operands unless one is a string; Sprintln always does', () => {
    assert.equal(sprint([1, 2, 'a', 3, 'b', 'c']), '1 2a3bc');
    assert.equal(sprintln([1, 'a', null]), '1 a <nil>\n');
  });

  it('implements strconv float formatting (g switches to e at the precision)', () => {
    assert.equal(formatFloat(100, 'g', 3), '100');
    assert.equal(formatFloat(999.9, 'g', 3), '1e+03');
    assert.equal(formatFloat(12.34, 'g', 3), '12.3');
    assert.equal(formatFloat(1, 'g', 3), '1');
    assert.equal(formatFloat(0.0001234, 'g'), '0.0001234');
    assert.equal(formatFloat(0.00001234, 'g'), '1.234e-05');
    assert.equal(formatFloat(0, 'g'), '0');
    assert.equal(formatFloat(0, 'e'), '0.000000e+00');
  });

  it('quotes like strconv.Quote', () => {
    assert.equal(quote('a\tb\x01\u00a0é'), '"a\\tb\\x01\\u00a0é"');
  });
});

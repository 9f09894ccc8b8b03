import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateError } from './errors.ts';
import { lex } from './lexer.ts';

const kinds = (src: string): string[] => lex(src).map((t) => (t.kind === 'text' ? `text:${t.value}` : t.kind));

describe('lexer', () => {
  it('splits text and actions, keeping spaces significant', () => {
    assert.deepEqual(kinds('a {{.A.B .C}} b'), ['text:a ', 'open', 'field', 'field', 'space', 'field', 'close', 'text: b', 'eof']);
  });

  it('lexes every action token kind', () => {
    const toks = lex('{{$x := .A | printf "%d" 3 -1.5 \'a\' true nil `r` (.) , = }}').filter((t) => t.kind !== 'space');
    assert.deepEqual(toks.map((t) => t.kind), [
      'open', 'variable', 'declare', 'field', 'pipe', 'ident', 'string', 'number', 'number', 'char',
      'bool', 'nil', 'string', 'lparen', 'dot', 'rparen', 'comma', 'assign', 'close', 'eof',
    ]);
    assert.equal(toks.find((t) => t.kind === 'char')!.value, '97');
  });

  it('applies trim markers to neighbouring text only', () => {
    assert.deepEqual(kinds('a \n {{- .X -}} \n b'), ['text:a', 'open', 'field', 'close', 'text:b', 'eof']);
    // `{{-3}}` is the number -3, not a trim marker.
    assert.deepEqual(kinds('a {{-3}}'), ['text:a ', 'open', 'number', 'close', 'eof']);
  });

  it('drops comments, honouring their trim markers', () => {
    assert.deepEqual(kinds('a {{- /* hi */ -}} b{{/* x */}}'), ['text:a', 'text:b', 'eof']);
  });

  it('unquotes Go string escapes', () => {
    assert.equal(lex('{{"a\\tb\\u00e9\\x41\\101"}}')[1]!.value, 'a\tbéAA');
  });

  it('reports lexical errors with a line number', () => {
    const cases: [string, string][] = [
      ['{{.A', 'template: :1: unclosed action'],
      ['x\n{{"abc}}', 'template: :2: unterminated quoted string'],
      ['{{ # }}', "template: :1: unrecognized character in action: U+0023 '#'"],
      ['{{ 3x }}', 'template: :1: bad number syntax: "3x"'],
      ['{{ (.A }}', 'template: :1: unclosed left paren'],
      ['{{/* x }}', 'template: :1: unclosed comment'],
    ];
    for (const [src, detail] of cases) {
      assert.throws(() => lex(src), (e: unknown) => e instanceof TemplateError && e.detail === detail && e.phase === 'parse', src);
    }
  });
});

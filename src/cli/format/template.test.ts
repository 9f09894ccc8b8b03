import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateError } from './errors.ts';
import { Template, type ExecuteOptions } from './template.ts';

const run = (src: string, data?: unknown, opts?: ExecuteOptions): string => Template.parse(src).execute(data, opts);
const detail = (fn: () => unknown): string => {
  try { fn(); } catch (e) { if (e instanceof TemplateError) return e.detail; throw e; }
  return assert.fail('expected a TemplateError');
};

const data = {
  Name: 'web', N: 3, F: 1.5, T: true, Z: 0, Empty: '', Nil: null,
  L: ['a', 'b', 'c'], M: { b: 2, a: 1 }, Labels: { 'com.example': 'x', foo: 'bar' },
  State: { Status: 'running', Health: null },
};

describe('template: text, fields and printing', () => {
  it('copies text and evaluates field paths and map keys', () => {
    assert.equal(run('hi {{.Name}} {{.State.Status}} {{.Labels.foo}}', data), 'hi web running bar');
  });

  it('prints values the way Go does', () => {
    assert.equal(run('{{.N}} {{.F}} {{.T}} {{.L}} {{.M}} {{.Nil}} {{.Missing}} {{.Missing.Deeper}}', data),
      '3 1.5 true [a b c] map[a:1 b:2] <no value> <no value> <no value>');
    assert.equal(run('{{1e6}} {{0.1}} {{1e-7}} {{1.0}} {{0x1F}} {{\'a\'}} {{-2}}'), '1000000 0.1 1e-07 1 31 97 -2');
    assert.equal(run('{{.}}', [{ a: [1, null] }]), '[map[a:[1 <nil>]]]');
  });

  it('supports dot, $ and variables, including assignment', () => {
    assert.equal(run('{{.}}', 'x'), 'x');
    assert.equal(run('{{with .State}}{{$.Name}}:{{.Status}}{{end}}', data), 'web:running');
    assert.equal(run('{{$x := .N}}{{$x}}{{$x = 5}}{{$x}}{{$y := .State}}{{$y.Status}}', data), '35running');
  });

  it('trims whitespace around {{- and -}}', () => {
    assert.equal(run('a  {{- .Name -}}\n  b', data), 'aweb' + 'b');
  });

  it('calls methods of class instances with arguments and the piped value', () => {
    class Row {
      readonly labels: Record<string, string> = { env: 'prod' };
      get ID(): string { return 'abc'; }
      Label(key: string): string { return this.labels[key] ?? ''; }
      Join(a: string, b: string): string { return a + b; }
    }
    assert.equal(run('{{.ID}} {{.Label "env"}} {{"y" | .Join "x"}}', new Row()), 'abc prod xy');
    assert.equal(detail(() => run('{{.Nope}}', new Row())), 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *Row');
  });
});

describe('template: control structures', () => {
  it('if / else if / else', () => {
    const t = Template.parse('{{if eq .N 1}}one{{else if eq .N 3}}three{{else}}other{{end}}');
    assert.equal(t.execute({ N: 1 }), 'one');
    assert.equal(t.execute({ N: 3 }), 'three');
    assert.equal(t.execute({ N: 9 }), 'other');
  });

  it('uses Go truthiness', () => {
    const t = Template.parse('{{if .}}T{{else}}F{{end}}');
    assert.deepEqual([0, 1, '', 'x', [], [0], {}, { a: 1 }, null, undefined, false, true].map((v) => t.execute(v)).join(''),
      'FTFTFTFTFFFT');
  });

  it('range over arrays, objects (sorted keys), numbers, with else and break/continue', () => {
    assert.equal(run('{{range .L}}<{{.}}>{{end}}', data), '<a><b><c>');
    assert.equal(run('{{range $i, $v := .L}}{{$i}}={{$v}} {{end}}', data), '0=a 1=b 2=c ');
    assert.equal(run('{{range $v := .L}}{{$v}}{{end}}', data), 'abc');
    assert.equal(run('{{range $k, $v := .M}}{{$k}}:{{$v}};{{end}}', data), 'a:1;b:2;');
    assert.equal(run('{{range .Missing}}x{{else}}none{{end}}{{range .Labels}}{{else}}no{{end}}', { Labels: {} }), 'noneno');
    assert.equal(run('{{range 3}}{{.}}{{end}}'), '012');
    assert.equal(run('{{range .L}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', data), 'ac');
    assert.equal(run('{{range .L}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', data), 'a');
    assert.equal(run('{{range $i, $v := .L}}{{$x := $v}}{{$x}}{{end}}', data), 'abc');
  });

  it('with / else and else with', () => {
    assert.equal(run('{{with .State}}{{.Status}}{{end}}', data), 'running');
    assert.equal(run('{{with .Missing}}x{{else}}none{{end}}', data), 'none');
    assert.equal(run('{{with $s := .State.Status}}{{$s}}{{end}}', data), 'running');
    assert.equal(run('{{with .Missing}}x{{else with .Name}}{{.}}{{end}}', data), 'web');
  });
});

describe('template: pipelines and arguments', () => {
  it('passes each result as the last argument of the next command', () => {
    assert.equal(run('{{.Name | printf "%s-%s" "x" | upper}}', data), 'X-WEB');
  });

  it('evaluates parenthesised sub-expressions and fields of them', () => {
    assert.equal(run('{{printf "%d" (len .L)}} {{(index .L 1) | upper}} {{(.State).Status}}', data), '3 B running');
  });

  it('accepts string, raw string, number, bool and nil literals', () => {
    assert.equal(run('{{"a\\tb"}}|{{`a\\tb`}}|{{1.5}}|{{false}}|{{print nil}}'), 'a\tb|a\\tb|1.5|false|<nil>');
  });
});

describe('template: errors', () => {
  it('reports parse errors as Go does', () => {
    const cases: [string, string][] = [
      ['{{nope .}}', 'function "nope" not defined'],
      ['{{.A | nope}}', 'function "nope" not defined'],
      ['{{if .A}}x', 'unexpected EOF'],
      ['x{{end}}', 'unexpected {{end}}'],
      ['{{else}}', 'unexpected {{else}}'],
      ['{{}}', 'missing value for command'],
      ['{{if}}{{end}}', 'missing value for if'],
      ['{{$x}}', 'undefined variable "$x"'],
      ['{{if 1}}{{$x := 1}}{{end}}{{$x}}', 'undefined variable "$x"'],
      ['{{$x = 1}}', 'undefined variable "$x"'],
      ['{{break}}', '{{break}} outside {{range}}'],
      ['{{.A | "b"}}', 'non executable command in pipeline stage 2'],
      ['{{range $a, $b, $c := .}}{{end}}', 'too many declarations in range'],
      ['{{"x".A}}', 'unexpected . after term ""x""'],
      ['{{template "x"}}', '{{template}} is not supported'],
    ];
    for (const [src, msg] of cases) assert.equal(detail(() => Template.parse(src)), `template: :1: ${msg}`, src);
  });

  it('prefixes every error with "template parsing error:"', () => {
    assert.throws(() => Template.parse('{{nope}}'), { message: 'template parsing error: template: :1: function "nope" not defined' });
  });

  it('reports execution errors with position and node', () => {
    assert.equal(detail(() => run('{{index .L 5}}', data)), 'template: :1:2: executing "" at <index .L 5>: error calling index: index out of range: 5');
    assert.equal(detail(() => run('x\n  {{.Name.Foo}}', data)), 'template: :2:4: executing "" at <.Name.Foo>: can\'t evaluate field Foo in type string');
    assert.equal(detail(() => run('{{.State.Health.Status}}', data)), 'template: :1:2: executing "" at <.State.Health.Status>: nil pointer evaluating interface {}.Status');
    assert.equal(detail(() => run('{{.Name 1}}', data)), 'template: :1:2: executing "" at <.Name>: Name is not a method but has arguments');
    assert.equal(detail(() => run('{{"x" 1}}')), 'template: :1:2: executing "" at <"x">: can\'t give argument to non-function "x"');
    assert.equal(detail(() => run('{{len}}')), 'template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 0');
    assert.equal(detail(() => run('{{upper 3}}')), 'template: :1:2: executing "" at <upper 3>: wrong type for value; expected string; got int');
    assert.equal(detail(() => run('{{range .}}{{end}}', 'str')), 'template: :1:8: executing "" at <.>: range can\'t iterate over str');
  });

  it('keeps the output written before an execution error', () => {
    assert.throws(() => run('ok {{index .L 9}}', data), (e: unknown) => e instanceof TemplateError && e.partialOutput === 'ok ');
  });

  it('supports missingkey=error and the struct-only variant', () => {
    assert.equal(run('{{.Missing}}', {}, { missingKey: 'default' }), '<no value>');
    assert.equal(detail(() => run('{{.Missing}}', {}, { missingKey: 'error' })), 'template: :1:2: executing "" at <.Missing>: map has no entry for key "Missing"');
    assert.equal(run('{{.Labels.x}}', { Labels: { a: '1' } }, { missingKey: 'struct' }), '<no value>');
    assert.equal(detail(() => run('{{.Nope}}', { Id: 'x' }, { missingKey: 'struct' })), 'template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"');
  });

  it('lets execution override functions (as docker does for table headers)', () => {
    const t = Template.parse('{{upper .}}');
    assert.equal(t.execute('a'), 'A');
    assert.equal(t.execute('a', { funcs: { upper: (v: unknown) => v } }), 'a');
    assert.equal(Template.parse('{{shout .}}', { shout: (v: unknown) => `${String(v)}!` }).execute('hi'), 'hi!');
  });
});

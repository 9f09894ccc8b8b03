import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateError } from './errors.ts';
import { Template } from './template.ts';

const run = (src: string, data?: unknown): string => Template.parse(src).execute(data);
const fails = (src: string, data?: unknown): string => {
  try { run(src, data); } catch (e) { if (e instanceof TemplateError) return e.detail.replace(/^.*?>: /, ''); throw e; }
  return assert.fail('expected an error');
};
const d = { L: ['a', 'b', 'c'], M: { x: 1 }, S: 'héllo', N: 2, Labels: { a: 'b' }, NoLabels: null };

describe('Go built-in functions', () => {
  it('and / or return the deciding argument and short-circuit', () => {
    assert.equal(run('{{and 1 0 2}}|{{and 1 2}}|{{or 0 "" "x"}}|{{or 0 ""}}'), '0|2|x|');
    assert.equal(run('{{and false (index .L 99)}}|{{or true (index .L 99)}}', d), 'false|true');
  });

  it('not, len, index, slice', () => {
    assert.equal(run('{{not 0}} {{not .L}} {{len .L}} {{len .M}} {{len .S}}', d), 'true false 3 1 6');
    assert.equal(run('{{index .L 1}} {{index .M "x"}} {{index . "L" 2}} {{index .S 1}}', d), 'b 1 c 195');
    assert.equal(run('{{index .Labels "nope"}}|{{index .NoLabels "nope"}}|{{index .M "nope"}}', d), '||<no value>');
    assert.equal(run('{{slice .L 1}} {{slice .L 1 2}} {{slice .S 1 3}} {{slice .L}}', d), '[b c] [b] é [a b c]');
    assert.equal(fails('{{index .L "x"}}', d), 'error calling index: cannot index slice/array with type string');
    assert.equal(fails('{{len 3}}'), 'error calling len: len of type int');
    assert.equal(fails('{{slice .L 2 1}}', d), 'error calling slice: invalid slice index: 2 > 1');
  });

  it('print, println, printf', () => {
    assert.equal(run('{{print "a" 1 2}}|{{println "a" 1}}|{{printf "%s=%d" "n" .N}}', d), 'a1 2|a 1\n|n=2');
  });

  it('comparisons: eq (multi-way), ne, lt, le, gt, ge', () => {
    assert.equal(run('{{eq .N 1 2}} {{eq "a" "a"}} {{ne .N 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', d),
      'true true false true true true false');
    assert.equal(run('{{eq .Missing nil}} {{eq .N nil}}', d), 'true false');
    assert.equal(fails('{{eq .N "2"}}', d), 'error calling eq: incompatible types for comparison');
    assert.equal(fails('{{lt true false}}'), 'error calling lt: invalid type for comparison');
    assert.equal(fails('{{eq .L .L}}', d), 'error calling eq: non-comparable type []interface {}');
  });

  it('html, js, urlquery escape like Go', () => {
    assert.equal(run(`{{html "<a href='x'>&\\"" }}`), '&lt;a href=&#39;x&#39;&gt;&amp;&#34;');
    assert.equal(run(`{{js "it's <b>=\\n"}}`), "it\\'s \\u003Cb\\u003E\\u003D\\u000A");
    assert.equal(run('{{urlquery "a b&c=d/é*"}} {{urlquery 1 2}}'), 'a+b%26c%3Dd%2F%C3%A9%2A 1+2');
  });
});

describe('docker template functions', () => {
  it('json encodes without HTML escaping or a trailing newline', () => {
    assert.equal(run('{{json .}}', { a: '<&>', b: [1, null], c: 'x\u2028' }), '{"a":"<&>","b":[1,null],"c":"x\\u2028"}');
    assert.equal(run('{{json .Missing}} {{json "s"}}', {}), 'null "s"');
  });

  it('split, join (lists and maps), title, lower, upper', () => {
    assert.equal(run('{{split "a,b,c" ","}} {{len (split "abc" "")}}'), '[a b c] 3');
    assert.equal(run('{{join .L ", "}}|{{join .M "+"}}', { L: ['a', 'b'], M: { z: '1', a: '2' } }), 'a, b|2+1');
    assert.equal(run('{{title "hello wORLD foo-bar_baz"}} {{lower "AbC"}} {{upper "aBc"}}'), 'Hello WORLD Foo-Bar_baz abc ABC');
  });

  it('pad only pads non-empty strings; truncate keeps n characters', () => {
    assert.equal(run('[{{pad "x" 2 1}}][{{pad "" 2 1}}] {{truncate "abcdef" 3}} {{truncate "ab" 3}}'), '[  x ][] abc ab');
  });

  it('rejects arguments of the wrong type like Go', () => {
    assert.equal(fails('{{lower 1}}'), 'wrong type for value; expected string; got int');
    assert.equal(fails('{{truncate "a" "b"}}'), 'wrong type for value; expected int; got string');
    assert.equal(fails('{{split "a"}}'), 'wrong number of args for split: want 2 got 1');
  });
});

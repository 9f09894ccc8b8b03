// The one `filters` parser: the shapes dockerd's FromJSON takes pass, everything else is a 400
// with a message that says what was wrong (dockerd 20.10 answers these with Go's decoder text,
// and with 500 on every route but container prune and volumes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters, parseFilterShape } from './query.ts';
import { BerthError } from './types/errors.ts';

const KNOWN = ['label', 'until', 'name'];
const parse = (raw: string | null) => Object.fromEntries(parseFilters(raw, KNOWN));

test('the shapes dockerd accepts: sets, lists, null, and nothing', () => {
  assert.deepEqual(parse(null), {});
  assert.deepEqual(parse(''), {});
  assert.deepEqual(parse('null'), {});
  assert.deepEqual(parse('{}'), {});
  assert.deepEqual(parse('{"label":{"a=b":true,"c":true}}'), { label: ['a=b', 'c'] });
  assert.deepEqual(parse('{"label":["a=b","c","c"]}'), { label: ['a=b', 'c'] }, 'a list is a set of values');
  assert.deepEqual(parse('{"label":null,"name":[]}'), { label: [], name: [] });
  // dockerd's Get returns every key of the set, whatever its boolean: false narrows too.
  assert.deepEqual(parse('{"label":{"a":false,"b":null}}'), { label: ['a', 'b'] });
  assert.deepEqual(parse('{"label":[null]}'), { label: [''] }, 'Go decodes null into a string as ""');
  assert.deepEqual(parse('{"label":{"a":true},"until":null}'), { label: ['a'], until: [] }, 'null goes with either form');
});

test('every other shape is refused with a 400 that says what was wrong', () => {
  const cases: [string, string][] = [
    ['{"label":{"a":"b"}}', `invalid filter 'label': {"a":"b"} is neither a list of values (["v"]) nor a set of values ({"v":true})`],
    ['{"label":"a"}', `invalid filter 'label': "a" is neither a list of values (["v"]) nor a set of values ({"v":true})`],
    ['{"label":[1]}', `invalid filter 'label': [1] is neither a list of values (["v"]) nor a set of values ({"v":true})`],
    ['{"label":{"a":1}}', `invalid filter 'label': {"a":1} is neither a list of values (["v"]) nor a set of values ({"v":true})`],
    ['{"label":true}', `invalid filter 'label': true is neither a list of values (["v"]) nor a set of values ({"v":true})`],
    ['{"label":["a"],"until":{"1h":true}}', 'invalid filter: values must be all lists (["v"]) or all sets ({"v":true}), not both'],
    ['[]', 'invalid filter: filters must be a JSON object such as {"label":["a=b"]}, not an array'],
    ['"label=a"', 'invalid filter: filters must be a JSON object such as {"label":["a=b"]}, not a string'],
    ['1', 'invalid filter: filters must be a JSON object such as {"label":["a=b"]}, not a number'],
  ];
  for (const [raw, message] of cases) {
    assert.throws(() => parse(raw), (err: unknown) => err instanceof BerthError && err.kind === 'invalid-parameter' && err.message === message, raw);
  }
  assert.throws(() => parse('{'), /^BerthError: invalid filter: filters is not valid JSON: /);
  assert.throws(() => parse('{"label":["a"'), /^BerthError: invalid filter: filters is not valid JSON: /);
});

test('names the route does not know are refused after the shape, as dockerd validates them', () => {
  assert.throws(() => parse('{"bogus":["x"]}'), /^BerthError: invalid filter 'bogus'$/);
  assert.throws(() => parse('{"bogus":null}'), /^BerthError: invalid filter 'bogus'$/, 'an empty value does not hide an unknown name');
  assert.throws(() => parse('{"bogus":{"a":"b"}}'), /invalid filter 'bogus': \{"a":"b"\} is neither/, 'the shape is checked first');
  assert.deepEqual(Object.fromEntries(parseFilterShape('{"bogus":["x"]}')), { bogus: ['x'] }, 'the shape check alone takes any name');
});

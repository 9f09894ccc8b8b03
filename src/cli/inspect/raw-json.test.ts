// Re-indenting the daemon's JSON like Go's json.Indent / json.Compact, without re-encoding it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactJson, indentJson } from './raw-json.ts';

test('indentJson lays out like json.Indent (and JSON.stringify with 4 spaces)', () => {
  const value = { a: [], b: {}, c: [1, { d: 'x, y: {z}' }], e: null, f: 'q"\\' };
  assert.equal(indentJson(JSON.stringify(value)), JSON.stringify(value, null, 4));
  assert.equal(indentJson('[ {"a" : 1} , {"b":[ ]} ]\n'), '[\n    {\n        "a": 1\n    },\n    {\n        "b": []\n    }\n]');
});

test('the bytes of strings and numbers stay as sent', () => {
  assert.equal(indentJson('{"s":"<&>\\u003c","n":1.0e+06}'), '{\n    "s": "<&>\\u003c",\n    "n": 1.0e+06\n}');
  assert.equal(compactJson('[ {"a" : " b c ", "n": 1.50} ]\n'), '[{"a":" b c ","n":1.50}]');
});

// The Go encoding/json behaviours the legacy conversion depends on, one by one (the image ids
// they add up to are checked against dockerd in daemon/images/image-load-legacy.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compact, goObject, goQuote, goSorted, goTime, objectMembers, versionLess } from './go-json.ts';

test('goQuote escapes as json.Marshal does, HTML characters included', () => {
  assert.equal(goQuote('a<b>&c"d\\e\n\r\t\x01\x7f é \u2028\u2029'), '"a\\u003cb\\u003e\\u0026c\\"d\\\\e\\n\\r\\t\\u0001\x7f é \\u2028\\u2029"');
  assert.equal(goQuote('\b\f'), '"\\u0008\\u000c"', 'Go 1.19 has no short forms for these');
  assert.equal(goQuote('x\ud800y'), '"x\ufffdy"', 'a lone surrogate is U+FFFD, written as is');
});

test('compact drops whitespace between tokens and keeps every escape as written', () => {
  const raw = Buffer.from('{ "a" : [ 1, 2.50, 1e3 ],\n "b":"x y \\u0026 \\/ <&>", "c": { } }');
  assert.equal(compact(raw).toString(), '{"a":[1,2.50,1e3],"b":"x y \\u0026 \\/ \\u003c\\u0026\\u003e","c":{}}');
  assert.equal(compact(Buffer.from('"a\u2028b"')).toString(), '"a\\u2028b"');
  assert.equal(compact(Buffer.from('"q\\" x"')).toString(), '"q\\" x"', 'an escaped quote does not end the string');
});

test('objectMembers gives raw values, a later duplicate winning; goObject sorts keys by bytes', () => {
  const m = objectMembers(Buffer.from(' {"b": [1, {"x": "}"}], "a":true ,"b" : "last", "é": null, "Z": 0} '))!;
  assert.deepEqual([...m].map(([k, v]) => [k, v.toString()]), [['b', '"last"'], ['a', 'true'], ['é', 'null'], ['Z', '0']]);
  assert.equal(objectMembers(Buffer.from('[1]')), undefined);
  assert.equal(goObject(new Map<string, string>([['b', '1'], ['a<', '2'], ['B', '3']])).toString(), '{"B":3,"a\\u003c":2,"b":1}');
  assert.deepEqual(goSorted(['é', 'z', 'Z', 'a']), ['Z', 'a', 'z', 'é']);
});

test('goTime round-trips times as time.Time does', () => {
  assert.equal(goTime('2015-11-01T10:00:00.120000+01:00', 't'), '2015-11-01T10:00:00.12+01:00');
  assert.equal(goTime('2016-01-01T1:02:03+00:00', 't'), '2016-01-01T01:02:03Z');
  assert.equal(goTime('2016-01-01T10:02:03,1234567891234-00:00', 't'), '2016-01-01T10:02:03.123456789Z');
  assert.equal(goTime('2016-01-01T10:02:03.000000000+05:75', 't'), '2016-01-01T10:02:03+06:15');
  assert.equal(goTime('2016-02-29T23:59:59-07:30', 't'), '2016-02-29T23:59:59-07:30');
  for (const bad of ['2015-02-29T00:00:00Z', '2016-01-01 10:00:00Z', '2016-01-01T24:00:00Z', '2016-01-01T10:00:00', '2016-01-01T10:00:00z', 'yesterday']) {
    assert.throws(() => goTime(bad, 'created'), /is not an RFC 3339 time/, bad);
  }
});

test('versionLess compares as docker versions.LessThan', () => {
  assert.ok(versionLess('', '1.8.3'));
  assert.ok(versionLess('1.8.2', '1.8.3'));
  assert.ok(versionLess('1.8', '1.8.3'));
  assert.ok(!versionLess('1.8.3', '1.8.3'));
  assert.ok(!versionLess('1.9.1', '1.8.3'));
  assert.ok(!versionLess('1.10.0-rc1', '1.8.3'));
  assert.ok(!versionLess('20.10.24+dfsg1', '1.8.3'));
  assert.ok(versionLess('x.y', '1.8.3'), 'a part that is not a number counts as 0');
});

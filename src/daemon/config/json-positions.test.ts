import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonSyntaxError, parseJsonWithPositions, pathKey } from './json-positions.ts';

const DOC = `{
  "debug": true,
  "runtimes": {
    "crun": { "path": "/usr/bin/crun",
      "runtimeArgs": ["--a", "--b"] }
  },
  "dns": [
    "1.1.1.1",
    "8.8.8.8"
  ]
}`;

test('records the line and column of keys at every depth and of array elements', () => {
  const { positions } = parseJsonWithPositions(DOC);
  const at = (...path: (string | number)[]) => positions.get(pathKey(path));
  assert.deepEqual(at('debug'), { line: 2, column: 3 });
  assert.deepEqual(at('runtimes', 'crun'), { line: 4, column: 5 });
  assert.deepEqual(at('runtimes', 'crun', 'path'), { line: 4, column: 15 });
  assert.deepEqual(at('runtimes', 'crun', 'runtimeArgs'), { line: 5, column: 7 });
  assert.deepEqual(at('dns', 1), { line: 9, column: 5 });
});

test('values are what JSON.parse gives', () => {
  const texts = [DOC, '"a\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"', '[-0.5e+3, 0, 12, 1E2, null, false]', '{}', ' [ ] '];
  for (const text of texts) assert.deepEqual(parseJsonWithPositions(text).value, JSON.parse(text));
});

test('a "__proto__" key is kept as an ordinary key', () => {
  const value = parseJsonWithPositions('{"__proto__": {"x": 1}}').value as object;
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
});

test('duplicate keys are reported with both positions; the last value is kept', () => {
  const doc = parseJsonWithPositions('{\n "a": 1,\n "a": 2\n}');
  assert.deepEqual(doc.value, { a: 2 });
  assert.deepEqual(doc.duplicates, [{ path: ['a'], first: { line: 2, column: 2 }, second: { line: 3, column: 2 } }]);
});

function syntaxError(text: string): string {
  try {
    parseJsonWithPositions(text);
  } catch (err) {
    assert.ok(err instanceof JsonSyntaxError);
    return err.message;
  }
  assert.fail(`no error for ${text}`);
}

test('syntax errors say what was wrong and where', () => {
  assert.equal(syntaxError('{\n  "debug": true\n  "tls": true\n}'), 'expected "," or "}" after a property value, got "\\"" at line 3, column 3');
  assert.equal(syntaxError('{\n  "debug": true,\n}'), 'trailing comma before "}" at line 3, column 1');
  assert.equal(syntaxError('[1,]'), 'trailing comma before "]" at line 1, column 4');
  assert.equal(syntaxError('{"a" 1}'), 'expected ":" after property name "a", got "1" at line 1, column 6');
  assert.equal(syntaxError('{"a": tru}'), 'expected a value, got "t" at line 1, column 7');
  assert.equal(syntaxError('{\'a\': 1}'), 'expected a property name in double quotes, got "\'" at line 1, column 2');
  assert.equal(syntaxError('{"a": "x'), 'unterminated string at line 1, column 7');
  assert.equal(syntaxError('{"a": "x\n"}'), 'unterminated string (line break inside a string) at line 1, column 9');
  assert.equal(syntaxError('{"a": "\\x"}'), 'invalid escape sequence in string at line 1, column 8');
  assert.equal(syntaxError('{"a": 1'), 'expected "," or "}" after a property value, got end of file at line 1, column 8');
  assert.equal(syntaxError('{} {}'), 'unexpected "{" after the end of the JSON value at line 1, column 4');
  assert.equal(syntaxError('-'), 'invalid number at line 1, column 1');
  assert.equal(syntaxError('['.repeat(200)), 'nesting deeper than 100 levels at line 1, column 102');
});

test('comments are refused at their exact position', () => {
  assert.equal(syntaxError('{\n  "debug": true,\n  // "tls": true\n  "x": 1\n}'), 'comments are not allowed in JSON at line 3, column 3');
  assert.equal(syntaxError('{\n  "debug": true /* on */\n}'), 'comments are not allowed in JSON at line 2, column 17');
  assert.equal(syntaxError('# berth\n{}'), 'comments are not allowed in JSON at line 1, column 1');
  // Inside a string, "//" is just text.
  assert.deepEqual(parseJsonWithPositions('{"a": "http://x"}').value, { a: 'http://x' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHeredoc, expandWord, expandWords } from './expand.ts';

const env = new Map(Object.entries({
  HOME: '/home', SH: 'bash', EMPTY: '', SPACED: 'abc  def', LEAD: '  ab c', TRAIL: 'ab c   ', PATHV: '/usr/local/bin/app.tar.gz',
}));

// [word, expected ("!" prefix: an error matching the rest)]
const single: [string, string][] = [
  ['hello', 'hello'],
  ["he'll'o", 'hello'],
  ["he'llo", '!matching single-quote'],
  ["he\\'llo", "he'llo"],
  ["he\\\\'llo", '!matching single-quote'],
  ['abc\\tdef', 'abctdef'],
  ['"abc\\tdef"', 'abc\\tdef'],
  ['"abc\\\\tdef"', 'abc\\tdef'],
  ["'abc\\tdef'", 'abc\\tdef'],
  ['hello\\', 'hello'],
  ['hello\\\\', 'hello\\'],
  ['"hello', '!matching double-quote'],
  ['"hello\\"', '!matching double-quote'],
  ['"hel\'lo"', "hel'lo"],
  ["'hello\\'", 'hello\\'],
  ['"\'\'"', "''"],
  ['$.', '$.'],
  ['$', '$'],
  ['he$1x', 'hex'],
  ['he$@x', 'hex'],
  ['he$HOME', 'he/home'],
  ['he$home', 'he'],
  ['he\\$HOME', 'he$HOME'],
  ['he\\\\$HOME', 'he\\/home'],
  ['"he\\$HOME"', 'he$HOME'],
  ['"he\\\\$HOME"', 'he\\/home'],
  ['\\${}', '${}'],
  ['${}', '!bad substitution'],
  ['he${:x}', '!bad substitution'],
  ['he${hi}xx', 'hexx'],
  ['he${HOME}', 'he/home'],
  ['he${.}', '!unsupported modifier (.)'],
  ['he${HOME', "!syntax error: missing '}'"],
  ['he${', "!syntax error: missing '}'"],
  ['he${X:-000}xx', 'he000xx'],
  ['he${HOME:-000}xx', 'he/homexx'],
  ['he${X:-$HOME}xx', 'he/homexx'],
  ['he${X:-${HOME:-y}}xx', 'he/homexx'],
  ['he${X:-${Y:-y}}xx', 'heyxx'],
  ['${EMPTY:-d}', 'd'],
  ['${EMPTY-d}', ''],
  ['${X-d}', 'd'],
  ['${X:+a}', ''],
  ['${EMPTY:+a}', ''],
  ['${EMPTY+a}', 'a'],
  ['${HOME:+a}', 'a'],
  ['${HOME+a}', 'a'],
  ['he${HOME:+${X}}xx', 'hexx'],
  ['he${HOME:+${SH}}xx', 'hebashxx'],
  ['he${X:YYY}', '!unsupported modifier (:Y)'],
  ['he${HOME:=000}xx', '!unsupported modifier (:=)'],
  ['he${X?}', '!X: is not allowed to be unset'],
  ['he${X:?}', '!X: is not allowed to be unset'],
  ['he${X:?set it}', '!X: set it'],
  ['he${EMPTY?}', 'he'],
  ['he${EMPTY:?}', '!EMPTY: is not allowed to be empty'],
  ['he${HOME:?}', 'he/home'],
  ["'he${XX}'", 'he${XX}'],
  ['"he${HOME}"', 'he/home'],
  ['"he\'$HOME\'"', "he'/home'"],
  ["'$HOME'", '$HOME'],
  ["'\\$HOME'", '\\$HOME'],
  ['he${HOME:+${HOME}:}xx', 'he/home:xx'],
  ['he${X:-\\$HOME:}xx', 'he$HOME:xx'],
  ['he${X:-\\${HOME}z}xx', 'he${HOMEz}xx'],
  ['안녕\\\'하세요', "안녕'하세요"],
  ["안'녕'하세요", '안녕하세요'],
  ['${PATHV#*/}', 'usr/local/bin/app.tar.gz'],
  ['${PATHV##*/}', 'app.tar.gz'],
  ['${PATHV%.*}', '/usr/local/bin/app.tar'],
  ['${PATHV%%.*}', '/usr/local/bin/app'],
  ['${PATHV/local/opt}', '/usr/opt/bin/app.tar.gz'],
  ['${PATHV//a/A}', '/usr/locAl/bin/App.tAr.gz'],
  ['${PATHV:#x}', '!unsupported modifier (:#)'],
  ['a b  c', 'a b  c'],
  ['a\\ b', 'a b'],
];

test('expandWord: quotes, escapes and every ${} form, as docker\'s lexer', () => {
  for (const [word, want] of single) {
    if (want.startsWith('!')) {
      assert.throws(() => expandWord(word, env), (e: Error) => e.message.includes(want.slice(1)), `${word} should fail with ${want}`);
    } else {
      assert.equal(expandWord(word, env), want, word);
    }
  }
});

test('expandWord with the backtick escape: backslash is a plain character', () => {
  const cases: [string, string][] = [
    ['C:\\path\\to', 'C:\\path\\to'],
    ['a`$HOME', 'a$HOME'],
    ['"x`"y"', 'x"y'],
    ['"x\\"', 'x\\'],
    ['a` b', 'a b'],
  ];
  for (const [word, want] of cases) assert.equal(expandWord(word, env, '`'), want, word);
});

// [word, words joined with "|"]
const multi: [string, string][] = [
  ['hello', 'hello'],
  ['hello${hi}bye', 'hellobye'],
  ['hello${SPACED}bye', 'helloabc|defbye'],
  ['hello"${SPACED}"bye', 'helloabc  defbye'],
  ['hello "${SPACED}"bye', 'hello|abc  defbye'],
  ['hello${LEAD}def', 'hello|ab|cdef'],
  ['hello"${LEAD}" def', 'hello  ab c|def'],
  ['hello${TRAIL}', 'helloab|c'],
  ['hello${TRAIL}d', 'helloab|c|d'],
  ['hello"${TRAIL}"d', 'helloab c   d'],
  ['hello" there  "', 'hello there  '],
  ['hello there  ', 'hello|there'],
  ['hello\\ there', 'hello there'],
  ['hello\\" there', 'hello"|there'],
  ["hello'$there'", 'hello$there'],
  ['80 443/udp', '80|443/udp'],
  ['"" x', 'x'],
  ['', ''],
];

test('expandWords splits after substitution, never inside quotes or escapes', () => {
  for (const [word, want] of multi) assert.equal(expandWords(word, env).join('|'), want, word);
  assert.throws(() => expandWords('hello" there', env), /matching double-quote/);
  assert.deepEqual(expandWords('a` b C:\\x $SPACED', env, '`'), ['a b', 'C:\\x', 'abc', 'def']);
});

test('expandHeredoc: variables and escapes, quotes kept', () => {
  assert.equal(expandHeredoc('home is "$HOME" and \'${SH}\'\n', env), 'home is "/home" and \'bash\'\n');
  assert.equal(expandHeredoc('cost \\$5 ${X:-none}\n', env), 'cost $5 none\n');
});

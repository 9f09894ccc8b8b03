import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDaemonJson, readDaemonJson } from './daemon-json.ts';
import { ConfigError } from './errors.ts';
import { tempDaemonJson, tempDir } from './test-helpers.ts';

const TYPO = `{
  "debug": true,
  "liverestore": false
}
`;

function problem(text: string, file = '/etc/berth/daemon.json'): string {
  try {
    parseDaemonJson(text, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('no error');
}

test('an unknown key names the file, the line and the nearest valid key', (t) => {
  assert.equal(problem(TYPO), 'unknown key "liverestore" at line 3 of /etc/berth/daemon.json; did you mean "live-restore"?');
  const file = tempDaemonJson(t, TYPO);
  assert.throws(() => readDaemonJson(file, true), {
    name: 'ConfigError',
    message: `unknown key "liverestore" at line 3 of ${file}; did you mean "live-restore"?`,
  });
});

test('an unknown key with nothing close gets no suggestion', () => {
  assert.equal(problem('{\n"swarm-mode": 1}'), 'unknown key "swarm-mode" at line 2 of /etc/berth/daemon.json');
});

test('wrong types are refused with the expected and the actual type', () => {
  const F = '/etc/berth/daemon.json';
  assert.equal(problem('{\n  "debug": true,\n  "live-restore": "false"\n}'), `invalid value for "live-restore" at line 3 of ${F}: expected a boolean, got string`);
  assert.equal(problem('{"dns": "8.8.8.8"}'), `invalid value for "dns" at line 1 of ${F}: expected an array of strings, got string`);
  assert.equal(problem('{"dns": [\n"8.8.8.8",\n 8]}'), `invalid value for "dns[1]" at line 3 of ${F}: expected a string, got number`);
  assert.equal(problem('{"log-opts": {\n "max-size": "10m",\n "max-file": 3\n}}'), `invalid value for "log-opts.max-file" at line 3 of ${F}: expected a string, got number`);
  assert.equal(problem('{"data-root": null}'), `invalid value for "data-root" at line 1 of ${F}: expected a string, got null`);
  assert.equal(problem('{"runtimes": []}'), `invalid value for "runtimes" at line 1 of ${F}: expected an object, got array`);
});

test('nested runtime entries are validated', () => {
  const F = '/etc/berth/daemon.json';
  assert.equal(problem('{"runtimes": {\n "crun": {}}}'), `invalid value for "runtimes.crun" at line 2 of ${F}: missing "path" for runtime "crun"`);
  assert.equal(problem('{"runtimes": {"crun": {"path": 1}}}'), `invalid value for "runtimes.crun.path" at line 1 of ${F}: expected a string, got number`);
  assert.equal(problem('{"runtimes": {"crun": {"path": "/c",\n "runtimeargs": []}}}'), `unknown key "runtimes.crun.runtimeargs" at line 2 of ${F}; did you mean "runtimeArgs"?`);
  assert.equal(problem('{"runtimes": {"crun": {"path": "/c", "runtimeArgs": [true]}}}'), `invalid value for "runtimes.crun.runtimeArgs[0]" at line 1 of ${F}: expected a string, got boolean`);
  assert.equal(problem('{"runtimes": {"kata": {"runtimeType": "io.containerd.kata.v2"}}}'), `invalid value for "runtimes.kata.runtimeType" at line 1 of ${F}: berthd runs OCI runtime binaries through conmon, not containerd shims: give "path" (and "runtimeArgs")`);
  assert.equal(problem('{"runtimes": {"runc": {"path": "/c"}}}'), `invalid value for "runtimes.runc" at line 1 of ${F}: runtime name 'runc' is reserved`);
  const ok = parseDaemonJson('{"runtimes": {"crun": {"path": "/c", "runtimeArgs": ["--x"]}}}', F);
  assert.deepEqual(ok.settings.runtimes, { crun: { path: '/c', runtimeArgs: ['--x'] } });
});

test('values get the same checks as flags', () => {
  const F = '/etc/berth/daemon.json';
  assert.equal(problem('{"hosts": ["unix://", "ssh://x"]}'), `invalid value for "hosts[1]" at line 1 of ${F}: invalid bind address format: ssh://x`);
  assert.equal(problem('{"log-level": "trace"}'), `invalid value for "log-level" at line 1 of ${F}: unknown log level "trace": expected one of debug, info, warn, error, fatal`);
  assert.equal(problem('{"registry-mirrors": ["mirror.example.com"]}'), `invalid value for "registry-mirrors[0]" at line 1 of ${F}: invalid mirror: "mirror.example.com" is not a URL (expected http://HOST or https://HOST)`);
});

test('every problem in the file is reported at once', () => {
  const msg = problem('{\n "liverestore": true,\n "debug": "yes",\n "debug": false\n}');
  assert.deepEqual(msg.split('\n'), [
    'duplicate key "debug" at line 4 of /etc/berth/daemon.json (first given at line 3)',
    'unknown key "liverestore" at line 2 of /etc/berth/daemon.json; did you mean "live-restore"?',
  ]);
});

test('malformed JSON: file, line, column and what was wrong', (t) => {
  const file = tempDaemonJson(t, '{\n  "debug": true\n  "tls": true\n}\n');
  assert.throws(() => readDaemonJson(file, true), {
    message: `invalid JSON in ${file} at line 3, column 3: expected "," or "}" after a property value, got "\\""`,
  });
  assert.equal(problem('{\n  "debug": true, // on\n}'), 'invalid JSON in /etc/berth/daemon.json at line 2, column 18: comments are not allowed in JSON');
  assert.equal(problem('["debug"]'), 'invalid configuration in /etc/berth/daemon.json: expected a JSON object at the top level, got array');
});

test('an empty file and a byte-order mark are accepted', () => {
  assert.deepEqual(parseDaemonJson(' \n', 'f').settings, {});
  assert.deepEqual(parseDaemonJson('\uFEFF{"debug": true}', 'f').settings, { debug: true });
});

test('a missing file is fine unless required', (t) => {
  const file = join(tempDir(t), 'none.json');
  assert.deepEqual(readDaemonJson(file, false), { file, exists: false, settings: {}, lines: new Map() });
  assert.throws(() => readDaemonJson(file, true), { message: `configuration file ${file} does not exist` });
});

test('the line of each top-level key is kept for later messages', () => {
  const doc = parseDaemonJson('{\n"debug": true,\n\n"dns": ["1.1.1.1"]}', 'f');
  assert.deepEqual([...doc.lines], [['debug', 2], ['dns', 4]]);
  assert.equal(doc.exists, true);
});

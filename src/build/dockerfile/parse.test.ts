import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from './index.ts';
import { FIXTURES } from './fixtures.test-data.ts';
import { DockerfileError, type Instruction, type ParsedDockerfile } from './types.ts';

const steps = (p: ParsedDockerfile) => p.stages.flatMap((s) => [s.from.at.text, ...s.instructions.map((i) => i.at.text)]);
/** The one instruction of `FROM scratch\n<line>`. */
const one = (line: string, pre = ''): Instruction => {
  const p = parseDockerfile(`${pre}FROM scratch\n${line}\n`);
  assert.equal(p.stages[0]!.instructions.length, 1, line);
  return p.stages[0]!.instructions[0]!;
};
const strip = (i: Instruction) => {
  const { at: _at, ...rest } = i;
  return rest;
};

test('real-project Dockerfiles: every step, with the text dockerd 20.10 prints', () => {
  for (const f of FIXTURES) assert.deepEqual(steps(parseDockerfile(f.text)), f.steps, f.name);
});

test('lines: the keyword line is where an instruction starts, continuations and comments are skipped', () => {
  const p = parseDockerfile('\n# c\nFROM a\n\nRUN x \\\n  # c\n\n  y\n   \nENV a=b\n');
  assert.deepEqual(p.stages[0]!.instructions.map((i) => i.at.line), [5, 10]);
  assert.equal(p.stages[0]!.from.at.line, 3);
  assert.deepEqual(p.warnings, [{ line: 5, message: 'Empty continuation line found in:\n    RUN x   y' }]);
});

// [instruction, what it parses to (without `at`)]
const table: [string, unknown][] = [
  ['RUN echo "a b" && ls', { kind: 'RUN', command: { form: 'shell', script: 'echo "a b" && ls' } }],
  ['RUN ["echo", "a b"]', { kind: 'RUN', command: { form: 'exec', argv: ['echo', 'a b'] } }],
  ['RUN [ "echo" ,"x" ]', { kind: 'RUN', command: { form: 'exec', argv: ['echo', 'x'] } }],
  ['RUN ["echo", "unterminated"', { kind: 'RUN', command: { form: 'shell', script: '["echo", "unterminated"' } }],
  ["RUN ['single']", { kind: 'RUN', command: { form: 'shell', script: "['single']" } }],
  ['RUN --network=none wget x', { kind: 'RUN', command: { form: 'shell', script: 'wget x' }, network: 'none' }],
  ['RUN --network="host" ["ip", "a"]', { kind: 'RUN', command: { form: 'exec', argv: ['ip', 'a'] }, network: 'host' }],
  ['RUN -- --not-a-flag', { kind: 'RUN', command: { form: 'shell', script: '--not-a-flag' } }],
  ['CMD ["nginx", "-g", "daemon off;"]', { kind: 'CMD', command: { form: 'exec', argv: ['nginx', '-g', 'daemon off;'] } }],
  ['CMD []', { kind: 'CMD', command: { form: 'exec', argv: [] } }],
  ['CMD', { kind: 'CMD', command: { form: 'exec', argv: [] } }],
  ['CMD echo $HOME', { kind: 'CMD', command: { form: 'shell', script: 'echo $HOME' } }],
  ['ENTRYPOINT ["a",', { kind: 'ENTRYPOINT', command: { form: 'shell', script: '["a",' } }],
  ['ENTRYPOINT exec top -b', { kind: 'ENTRYPOINT', command: { form: 'shell', script: 'exec top -b' } }],
  ['SHELL ["/bin/bash", "-o", "pipefail", "-c"]', { kind: 'SHELL', shell: ['/bin/bash', '-o', 'pipefail', '-c'] }],
  ['ENV A=1 B="x y" C=\'$z\' D=a\\ b E=', { kind: 'ENV', pairs: [['A', '1'], ['B', '"x y"'], ['C', "'$z'"], ['D', 'a\\ b'], ['E', '']] }],
  ['ENV LEGACY some   value  here', { kind: 'ENV', pairs: [['LEGACY', 'some   value  here']] }],
  ['ENV PATH=/x:$PATH', { kind: 'ENV', pairs: [['PATH', '/x:$PATH']] }],
  ['LABEL "com.example.vendor"="ACME Inc" version=1.0', { kind: 'LABEL', pairs: [['"com.example.vendor"', '"ACME Inc"'], ['version', '1.0']] }],
  ['LABEL description "a legacy label"', { kind: 'LABEL', pairs: [['description', '"a legacy label"']] }],
  ['ARG A B=2 C="x y" D=', { kind: 'ARG', args: [{ name: 'A' }, { name: 'B', default: '2' }, { name: 'C', default: '"x y"' }, { name: 'D', default: '' }] }],
  ['EXPOSE 80 443/udp ${P}', { kind: 'EXPOSE', ports: ['80', '443/udp', '${P}'] }],
  ['VOLUME /a /b', { kind: 'VOLUME', paths: ['/a', '/b'] }],
  ['VOLUME ["/with space", "/b"]', { kind: 'VOLUME', paths: ['/with space', '/b'] }],
  ['USER app:app', { kind: 'USER', value: 'app:app' }],
  ['USER a b', { kind: 'USER', value: 'a b' }],
  ['WORKDIR /srv/$APP', { kind: 'WORKDIR', value: '/srv/$APP' }],
  ['STOPSIGNAL SIGQUIT', { kind: 'STOPSIGNAL', value: 'SIGQUIT' }],
  ['MAINTAINER Jane <jane@example.com>', { kind: 'MAINTAINER', value: 'Jane <jane@example.com>' }],
  ['COPY a b /dst/', { kind: 'COPY', sources: ['a', 'b'], dest: '/dst/', heredocs: [] }],
  ['COPY ["with space", "/d st/"]', { kind: 'COPY', sources: ['with space'], dest: '/d st/', heredocs: [] }],
  ['COPY --from=build --chown=app:app --chmod=0755 --link /out /bin/', { kind: 'COPY', sources: ['/out'], dest: '/bin/', heredocs: [], from: 'build', chown: 'app:app', chmod: '0755', link: true }],
  ['COPY --link=false a b', { kind: 'COPY', sources: ['a'], dest: 'b', heredocs: [] }],
  ['COPY --chown="app user":\'grp\' --chmod=u\=rwx a b', { kind: 'COPY', sources: ['a'], dest: 'b', heredocs: [], chown: 'app user:grp', chmod: 'u=rwx' }],
  ['COPY -- --odd-name /dst', { kind: 'COPY', sources: ['--odd-name'], dest: '/dst', heredocs: [] }],
  ['COPY --from="0" a b', { kind: 'COPY', sources: ['a'], dest: 'b', heredocs: [], from: '0' }],
  ['ADD --chown=1:2 app.tar.gz /opt/', { kind: 'ADD', sources: ['app.tar.gz'], dest: '/opt/', heredocs: [], chown: '1:2' }],
  ['HEALTHCHECK NONE', { kind: 'HEALTHCHECK', none: true }],
  ['HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1.5s --start-interval=2s --retries=5 CMD ["curl", "-f", "x"]', {
    kind: 'HEALTHCHECK', none: false, test: { form: 'exec', argv: ['curl', '-f', 'x'] },
    interval: 90e9, timeout: 500e6, startPeriod: 1.5e9, startInterval: 2e9, retries: 5,
  }],
  ['healthcheck cmd curl -f http://localhost/ || exit 1', {
    kind: 'HEALTHCHECK', none: false, test: { form: 'shell', script: 'curl -f http://localhost/ || exit 1' },
    interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0,
  }],
  ['HEALTHCHECK --interval=0s CMD true', { kind: 'HEALTHCHECK', none: false, test: { form: 'shell', script: 'true' }, interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 }],
  ['ONBUILD RUN echo hi', { kind: 'ONBUILD', trigger: 'RUN echo hi' }],
  ['onbuild   COPY . /app', { kind: 'ONBUILD', trigger: 'COPY . /app' }],
  ['ONBUILD FROBNICATE later', { kind: 'ONBUILD', trigger: 'FROBNICATE later' }],
];

test('each instruction reads as docker reads it (words unexpanded)', () => {
  for (const [line, want] of table) assert.deepEqual(strip(one(line)), want, line);
});

test('the escape directive changes what continues a line and what ENV words keep', () => {
  assert.deepEqual(strip(one('ENV P=C:\\dir Q="a`"b"', '# escape=`\n')), { kind: 'ENV', pairs: [['P', 'C:\\dir'], ['Q', '"a`"b"']] });
  const p = parseDockerfile('# escape=`\nFROM a\nRUN dir `\n  C:\\ \nRUN b\\\n');
  assert.deepEqual(steps(p), ['FROM a', 'RUN dir   C:\\', 'RUN b\\']);
  assert.equal(p.directives.escape, '`');
});

test('directives: only at the top, each once; syntax is recorded', () => {
  assert.deepEqual(parseDockerfile('# syntax=docker/dockerfile:1.7\n#ESCAPE = `\nFROM a').directives, { escape: '`', syntax: 'docker/dockerfile:1.7' });
  assert.deepEqual(parseDockerfile('# foo=bar\n# escape=`\nFROM a').directives, { escape: '\\' }, 'an unknown directive ends them');
  assert.deepEqual(parseDockerfile('\n# escape=`\nFROM a').directives, { escape: '\\' }, 'a blank line ends them');
  assert.deepEqual(parseDockerfile('FROM a\n# escape=`\nRUN x `\n').directives, { escape: '\\' });
  assert.deepEqual(parseDockerfile('\uFEFF# escape=`\r\nFROM a\r\nRUN a `\r\n  b\r\n').stages[0]!.instructions[0]!.at.text, 'RUN a   b');
});

test('a line holding only the escape token continues into the next (as dockerd 20.10 reads it)', () => {
  assert.deepEqual(steps(parseDockerfile('FROM a\n\\\nLABEL a=1\nLABEL \\\n\\\n b=2\nLABEL c=1 \\\n# c1\n   # c2\nd=2\n')), ['FROM a', 'LABEL a=1', 'LABEL  b=2', 'LABEL c=1 d=2']);
});

test('an escaped escape token at the end of a line does not continue it', () => {
  const p = parseDockerfile('FROM a\nRUN echo \\\\\nRUN next\n');
  assert.deepEqual(steps(p), ['FROM a', 'RUN echo \\\\', 'RUN next']);
});

test('stages: FROM with --platform and AS (case-insensitive, lower-cased), meta ARGs', () => {
  const p = parseDockerfile('ARG V=1\nARG B\nFROM --platform=linux/arm64 img:$V As Build\nRUN x\nFROM build\n');
  assert.deepEqual(p.metaArgs.map(({ name, default: d, at }) => [name, d, at.line]), [['V', '1', 1], ['B', undefined, 2]]);
  assert.deepEqual(p.stages.map((s) => [s.index, s.name, s.from.image, s.from.platform, s.instructions.length]), [
    [0, 'build', 'img:$V', 'linux/arm64', 1],
    [1, undefined, 'build', undefined, 0],
  ]);
});

// [Dockerfile, line, message]
const errors: [string, number | undefined, string | RegExp][] = [
  ['FROM a\nFROBNICATE x', 2, 'unknown instruction: FROBNICATE'],
  ['FROM a\nfrobnicate x', 2, 'unknown instruction: FROBNICATE'],
  ['RUN x\nFROM a', 1, /^no build stage in current context/],
  ['ARG A\n', 1, /no stages to build/],
  ['# only a comment\n\n', undefined, 'file with no instructions'],
  ['FROM', 1, 'FROM requires either one or three arguments'],
  ['FROM a b', 1, 'FROM requires either one or three arguments'],
  ['FROM a TO b', 1, 'FROM requires either one or three arguments'],
  ['FROM a AS 1x', 1, 'invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
  ['FROM a AS x\nRUN y\nFROM b AS X', 3, 'duplicate stage name "x" (first on line 1)'],
  ['FROM --plat=x a', 1, 'Unknown flag: plat'],
  ['FROM a\nCOPY --mount=x a b', 2, 'Unknown flag: mount'],
  ['FROM a\nADD --from=x a b', 2, 'Unknown flag: from'],
  ['FROM a\nRUN --mount=type=cache,target=/x true', 2, 'Unknown flag: mount'],
  ['FROM a\nRUN --network=bridge true', 2, 'unsupported network mode "bridge"'],
  ['FROM a\nCOPY --from a b', 2, 'Missing a value on flag: from'],
  ['FROM a\nCOPY --link= a b', 2, 'Missing a value on flag: link'],
  ['FROM a\nCOPY --link=maybe a b', 2, 'Expecting boolean value for flag link, not: maybe'],
  ['FROM a\nCOPY --chown=a --chown=b a b', 2, 'Duplicate flag specified: chown'],
  ['FROM a\nCOPY a', 2, 'COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['FROM a\nADD ["a"]', 2, 'ADD requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['FROM a\nRUN', 2, 'RUN requires at least one argument'],
  ['FROM a\nRUN ["a", 1]', 2, 'when using JSON array syntax, arrays must be comprised of strings only'],
  ['FROM a\nENV', 2, 'ENV requires at least one argument'],
  ['FROM a\nENV A', 2, 'ENV must have two arguments'],
  ['FROM a\nLABEL x', 2, 'LABEL must have two arguments'],
  ['FROM a\nENV A=1 B', 2, 'Syntax error - can\'t find = in "B". Must be of the form: name=value'],
  ['FROM a\nENV =1', 2, 'ENV names can not be blank'],
  ['FROM a\nARG =1', 2, 'ARG names can not be blank'],
  ['FROM a\nARG', 2, 'ARG requires at least one argument'],
  ['FROM a\nEXPOSE', 2, 'EXPOSE requires at least one argument'],
  ['FROM a\nVOLUME', 2, 'VOLUME requires at least one argument'],
  ['FROM a\nVOLUME [""]', 2, 'VOLUME specified can not be an empty string'],
  ['FROM a\nUSER', 2, 'USER requires exactly one argument'],
  ['FROM a\nWORKDIR', 2, 'WORKDIR requires exactly one argument'],
  ['FROM a\nSHELL /bin/sh -c', 2, 'SHELL requires the arguments to be in JSON form'],
  ['FROM a\nSHELL []', 2, 'SHELL requires at least one argument'],
  ['FROM a\nHEALTHCHECK', 2, 'HEALTHCHECK requires at least one argument'],
  ['FROM a\nHEALTHCHECK NONE x', 2, 'HEALTHCHECK NONE takes no arguments'],
  ['FROM a\nHEALTHCHECK RUN x', 2, 'Unknown type "RUN" in HEALTHCHECK (try CMD)'],
  ['FROM a\nHEALTHCHECK CMD', 2, 'Missing command after HEALTHCHECK CMD'],
  ['FROM a\nHEALTHCHECK CMD []', 2, 'Missing command after HEALTHCHECK CMD'],
  ['FROM a\nHEALTHCHECK --interval=1 CMD x', 2, 'time: missing unit in duration "1"'],
  ['FROM a\nHEALTHCHECK --interval=1d CMD x', 2, 'time: unknown unit "d" in duration "1d"'],
  ['FROM a\nHEALTHCHECK --interval=soon CMD x', 2, 'time: invalid duration "soon"'],
  ['FROM a\nHEALTHCHECK --timeout=10us CMD x', 2, 'Interval "timeout" cannot be less than 1ms'],
  ['FROM a\nHEALTHCHECK --timeout=-1s CMD x', 2, 'Interval "timeout" cannot be less than 1ms'],
  ['FROM a\nHEALTHCHECK --retries=x CMD x', 2, 'strconv.ParseInt: parsing "x": invalid syntax'],
  ['FROM a\nHEALTHCHECK --retries=-1 CMD x', 2, '--retries cannot be negative (-1)'],
  ['FROM a\nHEALTHCHECK --every=1s CMD x', 2, 'Unknown flag: every'],
  ['FROM a\nONBUILD', 2, 'ONBUILD requires at least one argument'],
  ['FROM a\nONBUILD ONBUILD RUN x', 2, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
  ['FROM a\nONBUILD FROM b', 2, 'FROM isn\'t allowed as an ONBUILD trigger'],
  ['FROM a\nonbuild maintainer me', 2, 'MAINTAINER isn\'t allowed as an ONBUILD trigger'],
  ['# escape=x\nFROM a', 1, 'invalid escape token \'x\' does not match ` or \\'],
  ['# escape=`\n# escape=`\nFROM a', 2, 'only one escape parser directive can be used'],
  ['FROM a\nRUN <<EOF\nno end', 2, 'unterminated heredoc'],
  ['FROM a\nCOPY <<EOF <<X\nx\nEOF\nX\n', 2, 'COPY cannot accept a heredoc as a destination'],
];

test('bad Dockerfiles: docker\'s message, and the line it is on', () => {
  for (const [text, line, message] of errors) {
    assert.throws(() => parseDockerfile(text), (err: unknown) => {
      assert.ok(err instanceof DockerfileError, `${text}: ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message, text);
      else assert.match(err.message, message, text);
      if (line !== undefined) assert.equal(err.line, line, text);
      return true;
    });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, parseTrigger } from './index.ts';
import { DockerfileError, type Instruction } from './types.ts';

const body = (text: string): Instruction[] => parseDockerfile(`FROM a\n${text}`).stages[0]!.instructions;
const script = (text: string) => {
  const [run] = body(text);
  assert.ok(run?.kind === 'RUN' && run.command.form === 'shell', text);
  return run.command.script;
};

// [RUN with heredocs, the script the shell is given]
const runs: [string, string][] = [
  ['RUN <<EOF\necho hi\necho there\nEOF\n', 'echo hi\necho there\n'],
  ['RUN <<-EOF\n\techo hi\n\t\tindented\n\tEOF\n', 'echo hi\nindented\n'],
  ['RUN <<"EOF"\necho $HOME\nEOF\n', 'echo $HOME\n'],
  ['RUN cat <<EOF > /f\nline $X\nEOF\n', 'cat <<EOF > /f\nline $X\nEOF'],
  ['RUN <<-EOF cat\n\tkeep tabs for sh\n\tEOF\n', '<<-EOF cat\n\tkeep tabs for sh\nEOF'],
  ['RUN python3 <<EOF1 && sh <<EOF2\nprint(1)\nEOF1\necho 2\nEOF2\n', 'python3 <<EOF1 && sh <<EOF2\nprint(1)\nEOF1\necho 2\nEOF2'],
  ['RUN cat << EOF\nspace after <<\nEOF\n', 'cat << EOF\nspace after <<\nEOF'],
  ['RUN 3<<EOF cat /dev/fd/3\nfd three\nEOF\n', '3<<EOF cat /dev/fd/3\nfd three\nEOF'],
  ['RUN cat <<EOF | sh \\\n  # a comment\n  && true\nbody\nEOF\n', 'cat <<EOF | sh   && true\nbody\nEOF'],
  ['RUN <<EOF\nEOF \nstill body\nEOF\n', 'EOF \nstill body\n'],
  ['RUN <<EOF\r\nwindows line\r\nEOF\r\n', 'windows line\r\n'],
  ['RUN <<EOF\nFROM looks-like-an-instruction\nEOF\n', 'FROM looks-like-an-instruction\n'],
];

test('RUN heredocs: alone, the body is the script; with a command, the shell gets it all', () => {
  for (const [text, want] of runs) assert.equal(script(text), want, text);
});

test('RUN <<EOF with a #! line: docker runs the body as an executable file it mounts', () => {
  const [run] = body('RUN <<-PY\n\t#!/usr/bin/env python3\n\tprint("hi")\n\tPY\n');
  assert.deepEqual(run, {
    kind: 'RUN', at: { line: 2, text: 'RUN <<-PY' }, command: { form: 'shell', script: '/dev/pipes/PY' },
    inlineFile: { path: '/dev/pipes/PY', content: '#!/usr/bin/env python3\nprint("hi")\n', mode: 0o755 },
  });
  const [withCommand] = body('RUN python3 <<EOF\n#!/not/a/file\nEOF\n');
  assert.deepEqual(withCommand, { kind: 'RUN', at: { line: 2, text: 'RUN python3 <<EOF' }, command: { form: 'shell', script: 'python3 <<EOF\n#!/not/a/file\nEOF' } });
});

test('words that only look like heredocs are not, and the next lines stay instructions', () => {
  for (const first of ['RUN echo \\<<EOF', 'RUN echo "<<EOF"', "RUN echo '<<EOF'", 'RUN echo a<<EOF', 'RUN ["cat", "<<EOF"]', 'CMD <<EOF', 'RUN echo $(cat<<EOF)']) {
    // Read as a heredoc, "RUN next" would be its body; it is an instruction, and so is "EOF".
    assert.throws(() => body(`${first}\nRUN next\nEOF\n`), (e: unknown) => e instanceof DockerfileError && e.message === 'unknown instruction: EOF' && e.line === 4, first);
    assert.deepEqual(body(`${first}\nRUN next\n`).map((i) => i.at.text), [first, 'RUN next'], first);
  }
});

test('COPY/ADD heredocs become inline files named by the heredoc; quoting a delimiter stops expansion', () => {
  const [copy, add] = body('COPY --chmod=755 <<EOF <<-"SH" conf /etc/app/\nkey=$V\nEOF\n\techo $HOME\n\tSH\nADD <<E\'O\'F /x\n$y\nEOF\n');
  assert.deepEqual(copy, {
    kind: 'COPY', at: { line: 2, text: 'COPY --chmod=755 <<EOF <<-"SH" conf /etc/app/' },
    sources: ['EOF', 'SH', 'conf'], dest: '/etc/app/', chmod: '755',
    heredocs: [{ name: 'EOF', content: 'key=$V\n', expand: true }, { name: 'SH', content: 'echo $HOME\n', expand: false }],
  });
  assert.ok(add?.kind === 'ADD');
  assert.deepEqual(add.heredocs, [{ name: 'EOF', content: '$y\n', expand: false }]);
  assert.equal(add.at.line, 7);
});

test('ONBUILD keeps its heredoc bodies in the trigger, and parseTrigger reads them back', () => {
  const [onbuild] = body('ONBUILD RUN <<EOF\necho from child\nEOF\nRUN after\n');
  assert.deepEqual(onbuild, { kind: 'ONBUILD', at: { line: 2, text: 'ONBUILD RUN <<EOF' }, trigger: 'RUN <<EOF\necho from child\nEOF' });
  const run = parseTrigger(onbuild.kind === 'ONBUILD' ? onbuild.trigger : '', '\\', 9);
  assert.deepEqual(run, { kind: 'RUN', at: { line: 9, text: 'RUN <<EOF' }, command: { form: 'shell', script: 'echo from child\n' } });
});

test('parseTrigger: one instruction, the escape token of the child, docker\'s refusals', () => {
  assert.deepEqual(parseTrigger('COPY . /app'), { kind: 'COPY', at: { line: 1, text: 'COPY . /app' }, sources: ['.'], dest: '/app', heredocs: [] });
  assert.deepEqual(parseTrigger('RUN a `\n b', '`').at, { line: 1, text: 'RUN a  b' });
  const refuses = (text: string, message: string) => assert.throws(() => parseTrigger(text, '\\', 4), (e: unknown) => e instanceof DockerfileError && e.message === message && e.line === 4, text);
  refuses('ONBUILD RUN x', 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  refuses('FROM x', 'FROM isn\'t allowed as an ONBUILD trigger');
  refuses('MAINTAINER x', 'MAINTAINER isn\'t allowed as an ONBUILD trigger');
  refuses('FROBNICATE x', 'unknown instruction: FROBNICATE');
  refuses('RUN <<EOF\nnever ends', 'unterminated heredoc');
  refuses('RUN a\nRUN b', 'ONBUILD trigger "RUN a\\nRUN b" is not one instruction');
});

// Why logical-lines.ts reads lines by docker's rules instead of taking dockerfile-ast's
// instruction ranges: they agree on ordinary Dockerfiles (the real-project fixtures), and differ
// on the cases below, where dockerd's reading is the one berth must follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDockerfile } from './index.ts';
import { FIXTURES } from './fixtures.test-data.ts';

const ours = (text: string) => {
  const p = parseDockerfile(text);
  const lines = [...p.metaArgs.map((a) => a.at.line), ...p.stages.flatMap((s) => [s.from.at.line, ...s.instructions.map((i) => i.at.line)])];
  return [...new Set(lines)];
};
const theirs = (text: string) => DockerfileParser.parse(text).getInstructions().map((i) => i.getRange().start.line + 1);

test('dockerfile-ast finds the same instructions on real-project Dockerfiles', () => {
  for (const f of FIXTURES) assert.deepEqual(theirs(f.text), ours(f.text), f.name);
});

// [Dockerfile, docker's instruction lines (what berth reads), dockerfile-ast's]
const differs: [string, number[], number[]][] = [
  ['FROM a\nRUN cat << EOF\nx\nEOF\n', [1, 2], [1, 2, 3, 4]],
  ['FROM a\nRUN 3<<EOF cat\nEOF\n', [1, 2], [1, 2, 3]],
  ['FROM a\nRUN echo \\<<EOF\nRUN b\nRUN c\n', [1, 2, 3, 4], [1, 2]],
  ['FROM a\nRUN echo \\\\\nRUN next\n', [1, 2, 3], [1, 2]],
  ['# foo=bar\n# escape=`\nFROM a\nRUN x `\nRUN y\n', [3, 4, 5], [3, 4]],
];

test('where dockerfile-ast and docker read instructions differently', () => {
  for (const [text, docker, ast] of differs) {
    assert.deepEqual(ours(text), docker, text);
    assert.deepEqual(theirs(text), ast, `dockerfile-ast now reads ${JSON.stringify(text)} as docker does`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generatedText, OUTPUT, repoPath } from './write-engine-api.ts';
import { generateEngineApi } from './engine-api-gen.ts';

test('the committed engine-api.ts is what the generator makes from the vendored swagger.yaml', () => {
  const committed = readFileSync(repoPath(OUTPUT), 'utf8');
  assert.ok(committed === generatedText(), `${OUTPUT} is stale: run \`make engine-api-types\` and commit it`);
});

const SPEC = `
swagger: "2.0"
info: { version: "9.99" }
definitions:
  Outer:
    description: |
      Outer things, wrapped
      over two lines. Then more.
    allOf:
      - $ref: "#/definitions/Base"
      - type: object
        required: [Kind]
        properties:
          Kind: { type: string, enum: [a, b] }
          Tags: { type: array, items: { type: string } }
          Opts: { type: object, additionalProperties: { type: string }, x-nullable: false }
          Log: { type: object, properties: { Type: { type: string } } }
          Ptr: { $ref: "#/definitions/Maybe" }
  Base:
    type: object
    properties:
      Size: { type: integer, format: int64 }
  Maybe:
    type: object
    x-nullable: true
    properties:
      Always: { type: boolean, x-omitempty: false }
paths: {}
`;

test('allOf flattened, a lifted inline object named, nullability as Go encodes it, refs followed', async () => {
  const { SOURCES } = await import('./engine-api-gen.ts');
  const saved = SOURCES.splice(0, SOURCES.length, { name: 'Outer', pointer: '#/definitions/Outer' },
    { name: 'LogThing', pointer: '#/definitions/Outer/allOf/1/properties/Log' });
  try {
    const ts = generateEngineApi(SPEC, 'spec.yaml');
    assert.match(ts, /\/\*\* Outer things, wrapped over two lines\. \*\/\nexport interface Outer \{\n {2}Size\?: number;\n {2}Kind: "a" \| "b";\n {2}Tags\?: string\[\] \| null;\n {2}Opts\?: Record<string, string>;\n {2}Log\?: LogThing;\n {2}Ptr\?: Maybe \| null;\n\}/);
    assert.match(ts, /export interface LogThing \{\n {2}Type\?: string;\n\}/);
    assert.match(ts, /export interface Maybe \{\n {2}Always: boolean;\n\}/);
    assert.doesNotMatch(ts, /interface Base/, 'a flattened allOf part is not emitted on its own');
  } finally {
    SOURCES.splice(0, SOURCES.length, ...saved);
  }
});

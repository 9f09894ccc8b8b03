// `make engine-api-types`: regenerate src/api/types/engine-api.ts from the vendored Swagger
// definition. Runs from src/ (node strips the types) or from dist/: the paths are the repo's.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateEngineApi } from './engine-api-gen.ts';

/** Vendored, not read from ../shared: the test that checks the generated file must run in any
 * clone, and a newer shared copy must not turn main red without a change in the repo. */
export const SWAGGER = 'reference/engine-api/swagger.yaml';
export const OUTPUT = 'src/api/types/engine-api.ts';

export const repoPath = (rel: string): string => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));

export function generatedText(): string {
  return generateEngineApi(readFileSync(repoPath(SWAGGER), 'utf8'), SWAGGER);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(repoPath(OUTPUT), generatedText());
  console.log(`wrote ${OUTPUT}`);
}

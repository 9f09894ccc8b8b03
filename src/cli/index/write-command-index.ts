// Writes command-index.generated.ts from the commands the modules register (`make cli-index`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedIndexSource } from './generated-source.ts';

const target = fileURLToPath(new URL('./command-index.generated.ts', import.meta.url).href.replace('/dist/', '/src/'));
writeFileSync(target, await generatedIndexSource());
console.log(`wrote ${target}`);

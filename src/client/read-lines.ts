// The lines of a streamed answer (events, pull and push progress, stats), through node:readline
// loaded at the first such stream: an import of it, even of the bundle's lazy stand-in
// (scripts/bundle.mjs), costs every start the stand-in and esbuild's copy of its exports.
import type { Interface } from 'node:readline';

export function readLines(input: NodeJS.ReadableStream): Interface {
  return process.getBuiltinModule('node:readline').createInterface({ input, crlfDelay: Infinity });
}

// The engine's own version and commit: compiled into the release bundle, or read once from
// package.json and the stamp the build writes (scripts/build-stamp.mjs) when running from dist/.
import { readFileSync } from 'node:fs';
import { RELEASE } from './release.ts';

function readJson(url: URL): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const pkg = RELEASE ?? readJson(new URL('../../package.json', import.meta.url));
const stamp = RELEASE ?? readJson(new URL('../../dist/build-stamp.json', import.meta.url));

export const ENGINE_VERSION = String(pkg.version ?? '0.0.0');
export const GIT_COMMIT = String(stamp.commit ?? 'unknown');
export const BUILD_TIME = String(stamp.time ?? '');

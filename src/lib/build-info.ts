// The engine's own version, read once from package.json; the commit is stamped by the build
// (scripts/build-info) when git is available.
import { readFileSync } from 'node:fs';

function readJson(url: URL): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const pkg = readJson(new URL('../../package.json', import.meta.url));
const stamp = readJson(new URL('../../dist/build-stamp.json', import.meta.url));

export const ENGINE_VERSION = String(pkg.version ?? '0.0.0');
export const GIT_COMMIT = String(stamp.commit ?? 'unknown');
export const BUILD_TIME = String(stamp.time ?? '');

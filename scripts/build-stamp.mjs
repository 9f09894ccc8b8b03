// Records the commit and time of the build in dist/build-stamp.json (read by /version).
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  /* not a git checkout */
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/build-stamp.json', JSON.stringify({ commit, time: new Date().toISOString() }) + '\n');

// A test that cannot run here must not pass by skipping itself: a CI machine whose install
// step broke would go green. `requires(...)` gives the `skip` option of the tests that need
// something:
//  - all present: false (the tests run);
//  - something missing: a failing test named after what is missing (with how to get it) joins
//    the file, and the tests that need it are not run (their skip reason points at the failure);
//  - something missing and BERTH_TEST_ALLOW_SKIP=1 (a developer's local run, asked for): the
//    tests are skipped with that reason, and nothing fails.
// Use it at the top of a file (`const skip = requires('docker')`, then `{ skip }` on each test)
// or for one test (`{ skip: requires('registry') }`). A skip because of the kind of host (a
// cgroup v2-only host, say) is not a missing install: such a test says so in its own reason.
import { test } from 'node:test';
import { ALLOW_SKIP_ENV, describeMissing, missing, skipsAllowed, type Need } from './prerequisites.ts';

export { RUNS_CONTAINERS } from './prerequisites.ts';

const reported = new Set<string>();

export function requires(...needs: Need[]): string | false {
  const gone = missing(needs);
  if (gone.length === 0) return false;
  const names = gone.join(', ');
  if (skipsAllowed()) return `needs ${names}, which this machine lacks (skipped: ${ALLOW_SKIP_ENV}=1)`;
  const title = `missing prerequisite: ${names}`;
  if (!reported.has(title)) {
    reported.add(title);
    const message = `this machine lacks what these tests need:\n${describeMissing(gone)}\n` +
      `Install it (scripts/setup), or for a local run only, set ${ALLOW_SKIP_ENV}=1 to skip these tests.`;
    test(title, () => {
      throw new Error(message);
    });
  }
  return `not run: ${names} missing (the test '${title}' fails for it)`;
}

// scripts/test runs this before any test: the whole suite needs everything in prerequisites.ts,
// so a machine that lacks something fails here, at once, with the whole list — not after
// minutes, test by test. BERTH_TEST_ALLOW_SKIP=1 (a developer's local run) turns the failure
// into a warning; the tests that need what is missing then skip themselves.
import { ALL_NEEDS, ALLOW_SKIP_ENV, describeMissing, missing, skipsAllowed } from './prerequisites.ts';

const gone = missing(ALL_NEEDS);
if (gone.length > 0) {
  const allowed = skipsAllowed();
  process.stderr.write(`${allowed ? 'warning' : 'error'}: this machine lacks what the tests need:\n${describeMissing(gone)}\n` +
    (allowed
      ? `${ALLOW_SKIP_ENV}=1: the tests that need these are skipped.\n`
      : `Install them (scripts/setup), or for a local run only, set ${ALLOW_SKIP_ENV}=1 to skip the tests that need them.\n`));
  if (!allowed) process.exitCode = 1;
}

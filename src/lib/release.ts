// What the release bundle knows at build time. scripts/bundle.mjs has esbuild replace
// BERTH_RELEASE with the version and commit; in the plain tsc build (dist/, tests) it is not
// defined, and the code reads package.json and dist/build-stamp.json instead.
declare const BERTH_RELEASE: { version: string; commit: string; time: string } | undefined;

export const RELEASE = typeof BERTH_RELEASE === 'undefined' ? undefined : BERTH_RELEASE;

// Whether this berthd runs rootless: the launcher of src/rootless (issue 15) starts it inside a
// rootlesskit namespace holder and says so in its environment. Asked of the environment, not of
// euid (inside the user namespace berthd is uid 0, as a rootful one is).
// PROVISIONAL until 15a's launcher lands: its marker replaces these names.
export const ROOTLESS_MARKERS = ['BERTH_ROOTLESS', 'ROOTLESSKIT_STATE_DIR'] as const;

export function isRootless(env: NodeJS.ProcessEnv = process.env): boolean {
  return ROOTLESS_MARKERS.some((k) => (env[k] ?? '') !== '');
}

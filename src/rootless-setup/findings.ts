// One line of `check` per prerequisite: met, missing (install refuses to go on), or a note (what
// works less well here, never a refusal) — with the exact commands that fix what is missing,
// gathered at the end by who must run them.
export interface Finding {
  status: 'ok' | 'missing' | 'note';
  text: string;
  /** Commands for root (a package, /etc/subuid, a sysctl). */
  asRoot?: string[];
  /** Commands for the user itself (an environment variable). */
  asUser?: string[];
}

export const ok = (text: string): Finding => ({ status: 'ok', text });
export const note = (text: string): Finding => ({ status: 'note', text });
export const missing = (text: string, fix: { asRoot?: string[]; asUser?: string[] } = {}): Finding => ({ status: 'missing', text, ...fix });

const LABEL = { ok: 'ok     ', missing: 'MISSING', note: 'note   ' } as const;

/** The report `check` prints; `again` is the command to run once fixed. */
export function formatFindings(findings: Finding[], who: string, again: string): string {
  const lines = [`Prerequisites of a rootless berthd for ${who}:`];
  for (const f of findings) lines.push(`  ${LABEL[f.status]}  ${f.text.replace(/\n/g, '\n             ')}`);
  const asRoot = unique(findings.flatMap((f) => f.asRoot ?? []));
  const asUser = unique(findings.flatMap((f) => f.asUser ?? []));
  if (!findings.some((f) => f.status === 'missing')) {
    lines.push('', 'All prerequisites are met.');
    return `${lines.join('\n')}\n`;
  }
  if (asRoot.length) lines.push('', 'To fix it, run as root:', ...asRoot.map((c) => `  ${c}`));
  if (asUser.length) lines.push('', `${asRoot.length ? 'Then, as' : 'To fix it, run as'} ${who.split(' ')[0]}:`, ...asUser.map((c) => `  ${c}`));
  lines.push('', `Then run \`${again}\` again.`);
  return `${lines.join('\n')}\n`;
}

export function allMet(findings: Finding[]): boolean {
  return !findings.some((f) => f.status === 'missing');
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

// What `berth __complete <words...>` answers the shell scripts: one candidate a line (a tab, then
// its description, when it has one), then `:<directive>`, a bit set telling the shell what to do
// with them. The bit values are the ones cobra's scripts read, so a shell that knows docker's
// protocol reads berth's the same way.
export const Directive = {
  /** Nothing to offer: the shell offers nothing either (no file names). */
  Error: 1,
  /** No file-name completion when there are no candidates. */
  NoFileComp: 4,
  /** Complete directory names only (the candidates are ignored). */
  FilterDirs: 16,
} as const;

/** 0: the candidates, and file names when there are none (cobra's "default"). */
export const DEFAULT_DIRECTIVE = 0;

export interface Candidate {
  value: string;
  description?: string;
}

export interface Completion {
  candidates: Candidate[];
  directive: number;
}

export const noFiles = (candidates: Candidate[]): Completion => ({ candidates, directive: Directive.NoFileComp });

/** The words that start with what the user typed. */
export function matching(candidates: Candidate[], typed: string): Candidate[] {
  return candidates.filter((c) => c.value.startsWith(typed));
}

/** The response text; a description is kept to its first line and has no tabs (the separator). */
export function formatCompletion(c: Completion): string {
  const lines = c.candidates.map(({ value, description }) => {
    const text = description?.split('\n')[0].replaceAll('\t', ' ').trim();
    return text ? `${value}\t${text}` : value;
  });
  return [...lines, `:${c.directive}`, ''].join('\n');
}

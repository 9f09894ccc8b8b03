// `--filter key=value` flags, collected into the API's `filters` object.

export function collectFilter(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function filtersFromArgs(args: string[] | undefined): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const arg of args ?? []) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`bad format of filter (expected name=value)`);
    const key = arg.slice(0, eq).trim().toLowerCase();
    (filters[key] ??= []).push(arg.slice(eq + 1));
  }
  return filters;
}

// Volumes as the API shows them (swagger `Volume`), and the list filters of GET /volumes.
import { invalidParameter } from '../../api/types/errors.ts';
import { matchLabels, type Filters } from '../../api/query.ts';
import type { VolumeRow } from '../../store/volumes.ts';

export interface VolumeView {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
  UsageData?: { Size: number; RefCount: number };
}

export function volumeView(v: VolumeRow, mountpoint: string): VolumeView {
  return { CreatedAt: v.createdAt, Driver: v.driver, Labels: sorted(v.labels), Mountpoint: mountpoint, Name: v.name, Options: sorted(v.options), Scope: 'local' };
}

/** Keys in order, as Go writes a map. */
function sorted(m: Record<string, string> | null): Record<string, string> | null {
  return m && Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A boolean filter value as dockerd's GetBoolOrDefault takes it. */
export function boolFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (!values?.length) return undefined;
  const v = values[0]!.toLowerCase();
  if (!['true', 'false', '1', '0'].includes(v)) throw invalidParameter(`invalid filter '${key}=${values[0]}'`);
  return v === 'true' || v === '1';
}

/** GET /volumes filters: dangling, driver, label, name (a regular expression, as dockerd). */
export function volumePredicate(filters: Filters, refCount: (name: string) => number): (v: VolumeRow) => boolean {
  const tests: ((v: VolumeRow) => boolean)[] = [];
  const dangling = boolFilter(filters, 'dangling');
  if (dangling !== undefined) tests.push((v) => (refCount(v.name) === 0) === dangling);
  const drivers = filters.get('driver') ?? [];
  if (drivers.length) tests.push((v) => drivers.includes(v.driver));
  const labels = filters.get('label') ?? [];
  if (labels.length) tests.push((v) => matchLabels(v.labels ?? {}, labels));
  const names = (filters.get('name') ?? []).map((n) => {
    try {
      return new RegExp(n);
    } catch {
      throw invalidParameter(`invalid filter 'name=${n}': not a regular expression`);
    }
  });
  if (names.length) tests.push((v) => names.some((re) => re.test(v.name)));
  return (v) => tests.every((t) => t(v));
}

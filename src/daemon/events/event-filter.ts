// The `filters` of GET /events, matched as dockerd matches them: each filter key narrows the
// stream, values of one key are alternatives; `event` ignores the detail after a colon
// (`exec_start: sh` is an `exec_start`), `container` and `image` match an id or a name.
import type { StoredEvent } from '../../store/events.ts';
import { matchLabels, type Filters } from '../../api/query.ts';

export const EVENT_FILTERS = [
  'config', 'container', 'daemon', 'event', 'image', 'label', 'network', 'node',
  'plugin', 'scope', 'secret', 'service', 'type', 'volume',
] as const;

export function eventMatches(e: StoredEvent, filters: Filters): boolean {
  const any = (key: string, test: (v: string) => boolean): boolean => {
    const values = filters.get(key);
    return !values || values.length === 0 || values.some(test);
  };
  const actorIs = (type: string, key: string) =>
    any(key, (v) => e.type === type && (e.actorId === v || e.actorId.startsWith(v) || e.attributes.name === v));
  return (
    any('type', (v) => e.type === v) &&
    any('event', (v) => e.action === v || e.action.split(':')[0] === v) &&
    any('scope', (v) => e.scope === v) &&
    actorIs('container', 'container') &&
    actorIs('network', 'network') &&
    actorIs('volume', 'volume') &&
    actorIs('plugin', 'plugin') &&
    actorIs('daemon', 'daemon') &&
    any('image', (v) => imageMatches(e, v)) &&
    matchLabels(e.attributes, filters.get('label') ?? []) &&
    ['node', 'service', 'secret', 'config'].every((k) => !filters.get(k)?.length)
  );
}

function imageMatches(e: StoredEvent, v: string): boolean {
  if (e.type === 'image') return e.actorId === v || e.attributes.name === v;
  if (e.type === 'container') return e.attributes.image === v;
  return false;
}

/** The event as Docker writes it; `legacy`: with the status/id/from of container and image
 * events, which APIs before 1.52 carry (and berth's events route on every version). */
export function eventToWire(e: StoredEvent, legacy: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.actorId, Attributes: e.attributes },
    scope: e.scope,
    time: Number(e.timeNano / 1_000_000_000n),
    timeNano: Number(e.timeNano),
  };
  if (legacy && (e.type === 'container' || e.type === 'image')) {
    return { status: e.action, id: e.actorId, ...(e.attributes.image && { from: e.attributes.image }), ...wire };
  }
  return wire;
}

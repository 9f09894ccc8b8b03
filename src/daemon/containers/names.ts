// Names for containers created without --name: "<adjective>_<harbour word>", in the spirit of
// docker's generated names (our own word lists), with a number added on collision.
import { randomInt } from '../../lib/lazy-crypto.ts';

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosy', 'crisp', 'daring', 'deft', 'eager', 'fair',
  'fleet', 'gentle', 'glad', 'grand', 'hardy', 'keen', 'kind', 'lively', 'lucid', 'merry', 'mild', 'modest',
  'nimble', 'noble', 'patient', 'placid', 'proud', 'quick', 'quiet', 'rapid', 'ready', 'serene', 'sharp',
  'silent', 'sleek', 'snug', 'steady', 'stout', 'sunny', 'swift', 'tidy', 'trusty', 'vivid', 'warm', 'wise', 'zesty',
];

const NOUNS = [
  'anchor', 'bay', 'beacon', 'bollard', 'breakwater', 'buoy', 'cabin', 'capstan', 'cargo', 'channel', 'cove',
  'crane', 'deck', 'dinghy', 'dock', 'dory', 'estuary', 'ferry', 'fjord', 'galley', 'gangway', 'harbour', 'hawser',
  'helm', 'hull', 'inlet', 'jetty', 'keel', 'ketch', 'lagoon', 'lantern', 'lighthouse', 'marina', 'mast', 'mooring',
  'pier', 'pilot', 'quay', 'rigging', 'rudder', 'schooner', 'sloop', 'spinnaker', 'tide', 'tugboat', 'wharf', 'yawl',
];

export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const base = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NOUNS[randomInt(NOUNS.length)]}`;
    const name = attempt < 10 ? base : `${base}${randomInt(10)}`;
    if (!taken(`/${name}`)) return name;
  }
}

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function isValidName(name: string): boolean {
  return NAME_RE.test(name);
}

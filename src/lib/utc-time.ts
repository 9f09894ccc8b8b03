// Date.prototype.toISOString and toUTCString as V8 prints them, from the getUTC* fields. V8
// (Node 24) looks up the local time zone's display name in ICU's data even for these two UTC
// forms (ToDateString asks ICUTimezoneCache::LocalTimezone): the first call pages ~160 pages of
// ICU's time-zone names out of node's binary, 0.6 MiB that berthd's idle RSS kept for a log
// line's timestamp and the HTTP Date header (issue 12; /proc/PID/pagemap over icudt78_dat). The
// getUTC* getters touch none of it.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `date.toISOString()`: the same text, and the same RangeError for an invalid date. */
export function isoTime(date: Date = new Date()): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) throw new RangeError('Invalid time value');
  // Years outside 0..9999 take a sign and six digits (ECMA-262's expanded years).
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
  return `${y}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}

/** `date.toUTCString()` (an HTTP date): the same text, "Invalid Date" for an invalid one. */
export function httpDate(date: Date = new Date()): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) return 'Invalid Date';
  const y = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${y} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} GMT`;
}

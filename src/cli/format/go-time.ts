// Go's time formats in the local zone as the docker CLI prints them (its times are Go's
// time.Time, shown in the machine's zone).

const pad = (n: number, w = 2): string => String(Math.trunc(n)).padStart(w, '0');

function localParts(unixSeconds: number) {
  const d = new Date(unixSeconds * 1000);
  const off = -d.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${pad(Math.abs(off) / 60)}${pad(Math.abs(off) % 60)}`;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return { d, off, zone, date, time };
}

/** time.Time.Format(time.RFC3339) in the local zone: 2024-05-01T10:00:00Z or ...+02:00. */
export function rfc3339(unixSeconds: number): string {
  const { off, zone, date, time } = localParts(unixSeconds);
  return `${date}T${time}${off === 0 ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3)}`}`;
}

/** Made once, at the first use: ICU's time-zone names are loaded then, not at every start. */
let zoneNames: Intl.DateTimeFormat | undefined;

/** time.Time.String() in the local zone: 2024-05-01 10:00:00 +0000 UTC. */
export function goTimeString(unixSeconds: number): string {
  const { d, zone, date, time } = localParts(unixSeconds);
  zoneNames ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  const name = zoneNames.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
  return `${date} ${time} ${zone} ${name ?? zone}`;
}

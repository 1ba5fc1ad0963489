// The wall clock of a time zone: the calendar day and time an instant has in Asia/Ho_Chi_Minh (or
// any IANA zone), and back, whatever the process's own TZ. Computed by the platform's time-zone
// data, not by a fixed offset. Words for those fields are src/text's; the simulator and the
// watermark reader use the fields and the offset. A base module every layer may import.

export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Zero-padded calendar fields: year "2026", month "05", day "29", hour "22", minute "00", second "00". */
export interface WallClock {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    // h23, not hour12:false: the latter prints midnight as "24" in some ICU versions.
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The date's calendar fields in timeZone; the process's own TZ plays no part. */
export function toWallClock(date: Date, timeZone: string = VIETNAM_TIME_ZONE): WallClock {
  const fields: Record<string, string> = {};
  for (const { type, value } of formatFor(timeZone).formatToParts(date)) fields[type] = value;
  return {
    year: fields.year ?? '',
    month: fields.month ?? '',
    day: fields.day ?? '',
    hour: fields.hour ?? '',
    minute: fields.minute ?? '',
    second: fields.second ?? '',
  };
}

/** Seconds east of UTC in timeZone at that instant: 25200 in Vietnam (UTC+7 all year). */
export function utcOffsetSeconds(date: Date, timeZone: string = VIETNAM_TIME_ZONE): number {
  return offsetOf(date, toWallClock(date, timeZone));
}

function offsetOf(date: Date, wall: WallClock): number {
  const wallAsUtcMs = Date.UTC(Number(wall.year), Number(wall.month) - 1, Number(wall.day), Number(wall.hour), Number(wall.minute), Number(wall.second));
  return Math.round((wallAsUtcMs - Math.floor(date.getTime() / 1000) * 1000) / 1000);
}

/**
 * Epoch seconds of a wall-clock time in timeZone, given as the seconds that time would be in UTC
 * (what Date.UTC gives for its fields). Exact for zones without daylight saving, such as Vietnam.
 */
export function epochSecondsOfWallClock(wallSeconds: number, timeZone: string = VIETNAM_TIME_ZONE): number {
  return wallSeconds - utcOffsetSeconds(new Date(wallSeconds * 1000), timeZone);
}

/** "2026-05-29T22:00:00+07:00": the instant on timeZone's wall clock with its offset, in whole seconds. */
export function toOffsetIso(date: Date, timeZone: string = VIETNAM_TIME_ZONE): string {
  const wall = toWallClock(date, timeZone);
  const offset = offsetOf(date, wall);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  const zone = `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${wall.year}-${wall.month}-${wall.day}T${wall.hour}:${wall.minute}:${wall.second}${zone}`;
}

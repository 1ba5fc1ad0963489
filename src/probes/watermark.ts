// Turns a watermark read from a sync-status answer into a number: epoch seconds for times, an
// item count for counters. Knows nothing of sides or thresholds; sync.ts reads and judges.
//
// Time formats accepted (all instants end up as epoch seconds, fractions kept):
// - ISO-8601: "2026-05-29T22:00:00+07:00", "…Z", "…+0700", fractions "…:00.123Z", a space instead
//   of "T", seconds or the whole time part may be left out. WITHOUT an offset the time is Vietnam
//   time (Asia/Ho_Chi_Minh, UTC+7, no daylight saving): provincial systems print local time bare.
// - yyyyMMddHHmmss, as a string or a 14-digit number: the national adapter protocol's format,
//   Vietnam time.
// - dd/MM/yyyy[ HH:mm[:ss]]: how Vietnamese systems display dates, Vietnam time.
// - Epoch numbers, or strings of digits: below 100 000 000 000 they are seconds, from there on
//   milliseconds. In seconds that bound is the year 5138; in milliseconds it is March 1973, so no
//   plausible watermark is ambiguous. A 14-digit integer is read as yyyyMMddHHmmss (as epoch ms
//   it would be past the year 2286).
// Counts: non-negative integers, as numbers or strings of digits, up to 2^53 − 1.
import { epochSecondsOfWallClock } from '../time-zone.ts';
import { shorten } from './format.ts';
import { probeMessage } from './probe.ts';
import { ProbeFailure } from './probe-failure.ts';
import type { ValuePlace } from './sync-answer.ts';

export type WatermarkUnit = 'time' | 'count';

/** Epoch seconds from here on are taken as milliseconds. */
export const EPOCH_MS_FROM = 100_000_000_000;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const DISPLAY = /^(\d{2})\/(\d{2})\/(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;
const MAX_SHOWN_CHARS = 60;

/**
 * The watermark as epoch seconds (unit time) or a count (unit count). `where` names what was
 * read for the message, e.g. "$.data.lastUpdated from igate.example". Throws ProbeFailure
 * 'protocol' naming it and the value (truncated) when the value is not one of the formats above.
 */
export function parseWatermark(value: unknown, unit: WatermarkUnit, where: string, place: ValuePlace): number {
  const parsed = unit === 'time' ? parseTimeWatermark(value) : parseCountWatermark(value);
  if (parsed !== undefined) return parsed;
  const expected =
    unit === 'time' ? 'a time (ISO-8601, yyyyMMddHHmmss, dd/MM/yyyy HH:mm:ss, or epoch seconds or milliseconds)' : 'a count (a whole number, 0 or more)';
  const detail = probeMessage('sync_value', { ...place, problem: unit === 'time' ? 'not_time' : 'not_count', value: showValue(value) });
  throw new ProbeFailure('protocol', `${where} is ${showValue(value)}, not ${expected}`, { detail });
}

/** Epoch seconds, or undefined when the value is in none of the time formats. */
export function parseTimeWatermark(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? epochSecondsOfNumber(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const compact = COMPACT.exec(text);
  if (compact) return vietnamTime(compact.slice(1).map(Number));
  if (DECIMAL.test(text)) return epochSecondsOfNumber(Number(text));
  const display = DISPLAY.exec(text);
  if (display) {
    const [, day, month, year, hour, minute, second] = display;
    return vietnamTime([year, month, day, hour ?? '0', minute ?? '0', second ?? '0'].map(Number));
  }
  return parseIso(text);
}

/** A non-negative safe integer, or undefined. */
export function parseCountWatermark(value: unknown): number | undefined {
  const count = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

function epochSecondsOfNumber(value: number): number | undefined {
  if (Number.isInteger(value) && value >= 10_000_000_000_000 && value < 100_000_000_000_000) {
    const parts = COMPACT.exec(String(value));
    return parts ? vietnamTime(parts.slice(1).map(Number)) : undefined;
  }
  return value >= EPOCH_MS_FROM ? value / 1000 : value;
}

function parseIso(text: string): number | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction, zone] = match;
  const local = localSeconds([year, month, day, hour, minute, second].map(Number));
  if (local === undefined) return undefined;
  const fractionSeconds = fraction === undefined ? 0 : Number(`0.${fraction}`);
  if (zone === undefined) return epochSecondsOfWallClock(local) + fractionSeconds;
  const offset = offsetSeconds(zone);
  if (offset === undefined) return undefined;
  return local - offset + fractionSeconds;
}

/** "Z", "+07", "+0700", "+07:00" → seconds east of UTC. */
function offsetSeconds(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 14 || minutes > 59) return undefined;
  return sign * (hours * 3600 + minutes * 60);
}

function vietnamTime(parts: readonly number[]): number | undefined {
  const local = localSeconds(parts);
  return local === undefined ? undefined : epochSecondsOfWallClock(local);
}

/** Seconds of a wall-clock time read as if it were UTC; undefined for impossible dates (31/02). */
function localSeconds(parts: readonly number[]): number | undefined {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31/02 over to 03/03; a watermark like that is garbage, not a date.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms / 1000;
}

function showValue(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? typeof value);
  return shorten(text, MAX_SHOWN_CHARS);
}

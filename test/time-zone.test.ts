import { describe, expect, it } from 'vitest';
import { epochSecondsOfWallClock, toOffsetIso, toWallClock, utcOffsetSeconds } from '../src/time-zone.ts';

// 2026-05-29 16:30:05 UTC is 23:30:05 in Vietnam; 17:30:05 UTC is already the next day there.
const EVENING = new Date('2026-05-29T16:30:05Z');
const AFTER_MIDNIGHT = new Date('2026-05-29T17:30:05Z');

describe('the Vietnam wall clock', () => {
  it('gives the calendar fields in Asia/Ho_Chi_Minh, crossing midnight seven hours before UTC does', () => {
    expect(toWallClock(EVENING)).toEqual({ year: '2026', month: '05', day: '29', hour: '23', minute: '30', second: '05' });
    expect(toWallClock(AFTER_MIDNIGHT)).toMatchObject({ day: '30', hour: '00' });
    expect(toWallClock(AFTER_MIDNIGHT, 'UTC')).toMatchObject({ day: '29', hour: '17' });
  });

  it('is UTC+7, written with its offset, and reads a bare wall-clock time back to the same instant', () => {
    expect(utcOffsetSeconds(EVENING)).toBe(7 * 3600);
    expect(toOffsetIso(AFTER_MIDNIGHT)).toBe('2026-05-30T00:30:05+07:00');
    expect(toOffsetIso(AFTER_MIDNIGHT, 'America/St_Johns')).toBe('2026-05-29T15:00:05-02:30');
    const wallSeconds = Date.UTC(2026, 4, 30, 0, 30, 5) / 1000;
    expect(epochSecondsOfWallClock(wallSeconds)).toBe(AFTER_MIDNIGHT.getTime() / 1000);
  });
});

// The schedule rules as stories on an injected clock: a daily report at 15:30 Asia/Ho_Chi_Minh
// (08:30 UTC), deadline 15:55, read against UTC instants, whatever the machine's zone.
import { describe, expect, it } from 'vitest';
import { deadlineOf, dueSlot, nextSlot, windowOfSlot } from '../../src/report/report-schedule.ts';

const daily = { schedule: '30 15 * * *', timezone: 'Asia/Ho_Chi_Minh', deadline: '15:55', window: 'sincePrevious' as const };
const at = (iso: string) => new Date(iso);

describe('dueSlot', () => {
  it('a first start on an empty store sends nothing for the slot before it, and the next slot on time', () => {
    const firstStart = at('2026-12-03T09:00:00Z'); // 16:00 local, after today's 15:30
    expect(dueSlot(daily, { firstStart }, at('2026-12-03T09:00:00Z'))).toBeUndefined();
    expect(dueSlot(daily, { firstStart }, at('2026-12-04T08:29:59Z'))).toBeUndefined();
    expect(dueSlot(daily, { firstStart }, at('2026-12-04T08:30:00Z'))).toEqual({ slot: at('2026-12-04T08:30:00Z'), late: false });
    expect(dueSlot(daily, { firstStart }, at('2026-12-04T08:31:00Z'))).toEqual({ slot: at('2026-12-04T08:30:00Z'), late: false });
  });

  it('a first start at the very slot sends it', () => {
    expect(dueSlot(daily, { firstStart: at('2026-12-04T08:30:00Z') }, at('2026-12-04T08:30:00Z'))).toEqual({ slot: at('2026-12-04T08:30:00Z'), late: false });
  });

  it('nothing is due again once the slot is recorded', () => {
    const history = { firstStart: at('2026-12-01T00:00:00Z'), lastSlot: at('2026-12-04T08:30:00Z') };
    expect(dueSlot(daily, history, at('2026-12-04T08:30:00Z'))).toBeUndefined();
    expect(dueSlot(daily, history, at('2026-12-04T16:59:59Z'))).toBeUndefined();
    expect(dueSlot(daily, history, at('2026-12-05T08:30:00Z'))?.slot).toEqual(at('2026-12-05T08:30:00Z'));
  });

  it('a monitor down at the slot and started later the same day sends it late', () => {
    const history = { firstStart: at('2026-12-01T00:00:00Z'), lastSlot: at('2026-12-03T08:30:00Z') };
    expect(dueSlot(daily, history, at('2026-12-04T08:31:01Z'))).toEqual({ slot: at('2026-12-04T08:30:00Z'), late: true });
    expect(dueSlot(daily, history, at('2026-12-04T10:00:00Z'))).toEqual({ slot: at('2026-12-04T08:30:00Z'), late: true });
  });

  it('after several missed slots only the latest one is due', () => {
    const history = { firstStart: at('2026-12-01T00:00:00Z'), lastSlot: at('2026-12-01T08:30:00Z') };
    expect(dueSlot(daily, history, at('2026-12-04T09:00:00Z'))).toEqual({ slot: at('2026-12-04T08:30:00Z'), late: true });
  });

  it('a schedule with seconds fires to the second', () => {
    const everyTenSeconds = { schedule: '*/10 * * * * *', timezone: 'Asia/Ho_Chi_Minh' };
    const history = { firstStart: at('2026-12-04T08:00:00.500Z') };
    expect(dueSlot(everyTenSeconds, history, at('2026-12-04T08:00:09.900Z'))).toBeUndefined();
    expect(dueSlot(everyTenSeconds, history, at('2026-12-04T08:00:10.000Z'))).toEqual({ slot: at('2026-12-04T08:00:10Z'), late: false });
  });
});

describe('deadlineOf', () => {
  it('is the first deadline local time at or after the slot', () => {
    expect(deadlineOf(daily, at('2026-12-04T08:30:00Z'))).toEqual(at('2026-12-04T08:55:00Z'));
    // A slot after the day's deadline: the next day's.
    expect(deadlineOf(daily, at('2026-12-04T09:00:00Z'))).toEqual(at('2026-12-05T08:55:00Z'));
    expect(deadlineOf({ ...daily, deadline: '15:30' }, at('2026-12-04T08:30:00Z'))).toEqual(at('2026-12-04T08:30:00Z'));
  });

  it('is absent without a deadline', () => {
    expect(deadlineOf({ timezone: 'Asia/Ho_Chi_Minh' }, at('2026-12-04T08:30:00Z'))).toBeUndefined();
  });
});

describe('nextSlot and windowOfSlot', () => {
  it('finds the next scheduled time and the window since the previous one', () => {
    expect(nextSlot(daily, at('2026-12-04T08:30:00Z'))).toEqual(at('2026-12-05T08:30:00Z'));
    expect(windowOfSlot(daily, at('2026-12-04T08:30:00Z'))).toEqual({ from: at('2026-12-03T08:30:00Z'), to: at('2026-12-04T08:30:00Z') });
    expect(windowOfSlot({ ...daily, window: 'day' }, at('2026-12-04T08:30:00Z'))).toEqual({
      from: at('2026-12-02T17:00:00Z'),
      to: at('2026-12-03T17:00:00Z'),
    });
  });
});

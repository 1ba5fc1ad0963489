import { createTask } from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MaintenanceWindow } from '../../src/config/alerting-config.ts';
import {
  activeWindows,
  coversCheck,
  describeCronProblem,
  findNextCronMatch,
  findPreviousCronMatch,
  findWindowTransitions,
  matchesCheckPattern,
  nextWindowBoundary,
  parseCronExpression,
  windowOccurrenceAt,
} from '../../src/state/maintenance.ts';

const HCM = 'Asia/Ho_Chi_Minh';

function recurring(cron: string, durationSeconds: number, extra: Partial<MaintenanceWindow> = {}, timezone = HCM): MaintenanceWindow {
  return { kind: 'recurring', name: 'nightly-backup', checks: [], cron, durationSeconds, timezone, ...extra } as MaintenanceWindow;
}

const cutover: MaintenanceWindow = {
  kind: 'absolute',
  name: 'cutover',
  checks: ['dvcqg-*'],
  start: new Date('2026-05-29T22:00:00+07:00'),
  end: new Date('2026-05-30T06:00:00+07:00'),
};

const at = (text: string) => new Date(text);
const iso = (date: Date | undefined) => date?.toISOString();

describe('matchesCheckPattern', () => {
  it.each([
    ['dvcqg-*', 'dvcqg-home', true],
    ['dvcqg-*', 'dvcqg-', true],
    ['dvcqg-*', 'ag-dvcqg-home', false],
    ['*-home', 'dvcqg-home', true],
    ['*', 'anything', true],
    ['dvcqg-home', 'dvcqg-home', true],
    ['dvcqg-home', 'dvcqg-homes', false],
    ['a*b*c', 'a-x-b-y-c', true],
    ['a*b*c', 'a-x-c', false],
  ])('%s against %s → %s', (pattern, name, expected) => {
    expect(matchesCheckPattern(pattern, name)).toBe(expected);
  });

  it('covers every check when the window lists none', () => {
    expect(coversCheck({ ...cutover, checks: [] }, 'sync-hoso')).toBe(true);
    expect(coversCheck(cutover, 'sync-hoso')).toBe(false);
    expect(coversCheck(cutover, 'dvcqg-search')).toBe(true);
  });
});

describe('windowOccurrenceAt (absolute)', () => {
  it('covers [start, end)', () => {
    expect(windowOccurrenceAt(cutover, at('2026-05-29T21:59:59+07:00'))).toBeUndefined();
    expect(windowOccurrenceAt(cutover, at('2026-05-29T22:00:00+07:00'))).toEqual({ start: cutover.start, end: cutover.end });
    expect(windowOccurrenceAt(cutover, at('2026-05-30T05:59:59+07:00'))).toEqual({ start: cutover.start, end: cutover.end });
    expect(windowOccurrenceAt(cutover, at('2026-05-30T06:00:00+07:00'))).toBeUndefined();
  });
});

describe('windowOccurrenceAt (recurring)', () => {
  it('starts at the cron time in Asia/Ho_Chi_Minh and lasts its duration', () => {
    const window = recurring('0 1 * * *', 30 * 60);
    expect(windowOccurrenceAt(window, at('2026-05-30T00:59:59+07:00'))).toBeUndefined();
    const occurrence = windowOccurrenceAt(window, at('2026-05-30T01:10:00+07:00'));
    expect(iso(occurrence?.start)).toBe('2026-05-29T18:00:00.000Z');
    expect(iso(occurrence?.end)).toBe('2026-05-29T18:30:00.000Z');
    expect(windowOccurrenceAt(window, at('2026-05-30T01:30:00+07:00'))).toBeUndefined();
  });

  it('spans local midnight: a window from 23:30 for 1h covers 00:15 of the next day', () => {
    const window = recurring('30 23 * * *', 3600);
    const occurrence = windowOccurrenceAt(window, at('2026-05-30T00:15:00+07:00'));
    expect(iso(occurrence?.start)).toBe(iso(at('2026-05-29T23:30:00+07:00')));
    expect(iso(occurrence?.end)).toBe(iso(at('2026-05-30T00:30:00+07:00')));
    expect(windowOccurrenceAt(window, at('2026-05-30T00:30:00+07:00'))).toBeUndefined();
    expect(windowOccurrenceAt(window, at('2026-05-29T23:29:59+07:00'))).toBeUndefined();
  });

  it('reads the day of week in the window time zone, not in UTC', () => {
    // Saturday 2026-05-30 00:15 in Hanoi is still Friday 17:15 UTC.
    const weekdays = recurring('0 0 * * sat', 3600);
    expect(windowOccurrenceAt(weekdays, at('2026-05-30T00:15:00+07:00'))).toBeDefined();
    expect(windowOccurrenceAt(recurring('0 0 * * fri', 3600), at('2026-05-30T00:15:00+07:00'))).toBeUndefined();
  });

  it('skips days a weekday range leaves out, even across midnight', () => {
    // 22:00 Mon–Fri for 4h: Friday night's window runs into Saturday; Saturday night has none.
    const window = recurring('0 22 * * mon-fri', 4 * 3600);
    expect(windowOccurrenceAt(window, at('2026-05-30T01:00:00+07:00'))).toBeDefined(); // Sat 01:00, from Fri 22:00
    expect(windowOccurrenceAt(window, at('2026-05-30T23:00:00+07:00'))).toBeUndefined(); // Sat 23:00
    expect(windowOccurrenceAt(window, at('2026-05-31T23:00:00+07:00'))).toBeUndefined(); // Sun 23:00
    expect(windowOccurrenceAt(window, at('2026-06-01T23:00:00+07:00'))).toBeDefined(); // Mon 23:00
  });

  it('takes the latest start when recurrences overlap', () => {
    const window = recurring('0 * * * *', 90 * 60);
    const occurrence = windowOccurrenceAt(window, at('2026-05-30T03:20:00+07:00'));
    expect(iso(occurrence?.start)).toBe(iso(at('2026-05-30T03:00:00+07:00')));
  });

  it('honours a seconds field', () => {
    const window = recurring('30 0 2 * * *', 10);
    expect(windowOccurrenceAt(window, at('2026-05-30T02:00:29+07:00'))).toBeUndefined();
    expect(iso(windowOccurrenceAt(window, at('2026-05-30T02:00:35+07:00'))?.start)).toBe(iso(at('2026-05-30T02:00:30+07:00')));
    expect(windowOccurrenceAt(window, at('2026-05-30T02:00:40+07:00'))).toBeUndefined();
  });

  it.each([
    ['0 3 L * *', '2026-02-28T03:10:00+07:00', '2026-02-27T03:10:00+07:00'],
    ['0 3 * * 5L', '2026-05-29T03:10:00+07:00', '2026-05-22T03:10:00+07:00'],
    ['0 3 * * 1#2', '2026-05-11T03:10:00+07:00', '2026-05-04T03:10:00+07:00'],
    ['0 3 L-1 * *', '2026-04-29T03:10:00+07:00', '2026-04-30T03:10:00+07:00'],
    ['0 3 1W * *', '2026-08-03T03:10:00+07:00', '2026-08-01T03:10:00+07:00'],
  ])('matches the special day token of %s on %s but not on %s', (cron, inside, outside) => {
    const window = recurring(cron, 3600);
    expect(windowOccurrenceAt(window, at(inside))).toBeDefined();
    expect(windowOccurrenceAt(window, at(outside))).toBeUndefined();
  });

  it('starts no window at a local time a DST jump skips, and a single one at a repeated hour', () => {
    // Europe/Berlin jumps from 02:00 to 03:00 on 2026-03-29 and back from 03:00 to 02:00 on 2026-10-25.
    const berlin = (cron: string) => recurring(cron, 1800, {}, 'Europe/Berlin');
    expect(windowOccurrenceAt(berlin('30 2 * * *'), at('2026-03-29T03:10:00+02:00'))).toBeUndefined();
    expect(iso(windowOccurrenceAt(berlin('30 2 * * *'), at('2026-03-30T02:40:00+02:00'))?.start)).toBe('2026-03-30T00:30:00.000Z');
    expect(iso(windowOccurrenceAt(berlin('0 12 * * *'), at('2026-03-29T12:10:00+02:00'))?.start)).toBe('2026-03-29T10:00:00.000Z');
    expect(iso(windowOccurrenceAt(berlin('0 12 * * *'), at('2026-10-25T12:10:00+01:00'))?.start)).toBe('2026-10-25T11:00:00.000Z');
    expect(iso(windowOccurrenceAt(berlin('30 2 * * *'), at('2026-10-25T02:40:00+01:00'))?.start)).toBe('2026-10-25T01:30:00.000Z');
  });
});

describe('findPreviousCronMatch against node-cron', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['0 1 * * *', HCM],
    ['30 23 * * *', HCM],
    ['*/20 22-23,0-2 * * mon-fri', HCM],
    ['0 0 1,15 * *', HCM],
    ['15 4 * * sun', 'Europe/Berlin'],
    ['0 30 2 * * *', 'Europe/Berlin'],
    ['0 9 * jan,jul 1#1', 'America/New_York'],
  ])('finds each start node-cron would run %s at (%s), and nothing in between', (cron, timezone) => {
    vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z'), toFake: ['Date'] });
    const task = createTask(cron, () => undefined, { timezone });
    const runs = task.getNextRuns(40);
    void task.destroy();
    expect(runs.length).toBe(40);
    let previous = new Date('2026-03-01T00:00:00Z');
    for (const run of runs) {
      expect(iso(findPreviousCronMatch(cron, timezone, run, previous))).toBe(iso(run));
      expect(iso(findPreviousCronMatch(cron, timezone, new Date(run.getTime() + 999), previous))).toBe(iso(run));
      expect(findPreviousCronMatch(cron, timezone, new Date(run.getTime() - 1000), previous)).toBeUndefined();
      previous = run;
    }
  });
});

describe('findNextCronMatch against node-cron', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['0 1 * * *', HCM],
    ['*/20 22-23,0-2 * * mon-fri', HCM],
    ['15 4 * * sun', 'Europe/Berlin'],
    ['0 30 2 * * *', 'Europe/Berlin'],
    ['0 9 * jan,jul 1#1', 'America/New_York'],
  ])('finds each start node-cron would run %s at (%s), and nothing in between', (cron, timezone) => {
    vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z'), toFake: ['Date'] });
    const task = createTask(cron, () => undefined, { timezone });
    const runs = task.getNextRuns(40);
    void task.destroy();
    const far = new Date('2050-01-01T00:00:00Z');
    let previous = new Date('2026-03-01T00:00:00Z');
    for (const run of runs) {
      expect(iso(findNextCronMatch(cron, timezone, previous, far))).toBe(iso(run));
      expect(iso(findNextCronMatch(cron, timezone, new Date(run.getTime() - 999), far))).toBe(iso(run));
      expect(findNextCronMatch(cron, timezone, previous, new Date(run.getTime() - 1000))).toBeUndefined();
      previous = run;
    }
  });
});

describe('nextWindowBoundary', () => {
  it('is the start, then the end, of an absolute window, and nothing once it is over', () => {
    expect(iso(nextWindowBoundary(cutover, at('2026-05-29T12:00:00+07:00')))).toBe(iso(cutover.start));
    expect(iso(nextWindowBoundary(cutover, cutover.start))).toBe(iso(cutover.end));
    expect(nextWindowBoundary(cutover, cutover.end)).toBeUndefined();
  });

  it('is the end of the occurrence in progress, else the next start, of a recurring window', () => {
    const nightly = recurring('0 1 * * *', 1800);
    expect(iso(nextWindowBoundary(nightly, at('2026-05-30T00:59:59+07:00')))).toBe(iso(at('2026-05-30T01:00:00+07:00')));
    expect(iso(nextWindowBoundary(nightly, at('2026-05-30T01:00:00+07:00')))).toBe(iso(at('2026-05-30T01:30:00+07:00')));
    expect(iso(nextWindowBoundary(nightly, at('2026-05-30T01:30:00+07:00')))).toBe(iso(at('2026-05-31T01:00:00+07:00')));
  });

  it('is the next start when recurrences overlap, since it moves the end', () => {
    const hourly = recurring('0 * * * *', 5400);
    expect(iso(nextWindowBoundary(hourly, at('2026-05-30T03:20:00+07:00')))).toBe(iso(at('2026-05-30T04:00:00+07:00')));
  });

  it('looks again at the horizon for a window that starts less often', () => {
    const leapDay = recurring('0 1 29 2 *', 3600);
    const now = at('2026-03-01T00:00:00+07:00');
    expect(nextWindowBoundary(leapDay, now)!.getTime() - now.getTime()).toBe(400 * 86_400_000);
  });
});

describe('parseCronExpression', () => {
  it('names the expression it cannot parse', () => {
    expect(() => parseCronExpression('0 25 * * *')).toThrow(/invalid cron expression "0 25 \* \* \*"/);
    expect(() => parseCronExpression('0 1 * *')).toThrow(/invalid cron expression "0 1 \* \*"/);
  });
});

describe('describeCronProblem', () => {
  it('accepts a good expression and zone, and says what is wrong otherwise', () => {
    expect(describeCronProblem('0 1 * * *', HCM)).toBeUndefined();
    expect(describeCronProblem('0 1 * * *', 'Asia/Hanoi-Typo')).toBe('unknown time zone "Asia/Hanoi-Typo"');
    expect(describeCronProblem('61 1 * * *', HCM)).toMatch(/^invalid cron expression "61 1 \* \* \*"/);
  });
});

describe('activeWindows', () => {
  it('lists the windows in progress that cover the check', () => {
    const nightly = recurring('0 1 * * *', 1800, { checks: ['sync-*'] });
    const windows = [cutover, nightly];
    expect(activeWindows(windows, 'dvcqg-home', at('2026-05-30T01:10:00+07:00')).map((window) => window.name)).toEqual(['cutover']);
    expect(activeWindows(windows, 'sync-hoso', at('2026-05-30T01:10:00+07:00')).map((window) => window.name)).toEqual(['nightly-backup']);
    expect(activeWindows(windows, 'sync-hoso', at('2026-05-30T02:10:00+07:00'))).toEqual([]);
  });
});

describe('findWindowTransitions', () => {
  const nightly = recurring('0 1 * * *', 1800);
  const first = { start: at('2026-05-30T01:00:00+07:00'), end: at('2026-05-30T01:30:00+07:00') };

  it('starts, continues and ends a window', () => {
    const started = findWindowTransitions([nightly], {}, at('2026-05-30T01:00:05+07:00'));
    expect(started.started.map(({ window }) => window.name)).toEqual(['nightly-backup']);
    expect(started.active).toEqual({ 'nightly-backup': first });

    const running = findWindowTransitions([nightly], started.active, at('2026-05-30T01:20:00+07:00'));
    expect(running).toEqual({ ended: [], started: [], active: { 'nightly-backup': first } });

    const ended = findWindowTransitions([nightly], running.active, at('2026-05-30T01:30:00+07:00'));
    expect(ended.ended).toEqual([{ name: 'nightly-backup', window: nightly, occurrence: first }]);
    expect(ended.active).toEqual({});
  });

  it('treats overlapping recurrences as one window', () => {
    const hourly = recurring('0 * * * *', 90 * 60, { name: 'hourly' });
    const one = findWindowTransitions([hourly], {}, at('2026-05-30T03:10:00+07:00'));
    const two = findWindowTransitions([hourly], one.active, at('2026-05-30T04:10:00+07:00'));
    expect(two.ended).toEqual([]);
    expect(two.started).toEqual([]);
    expect(two.active.hourly).toEqual({ start: at('2026-05-30T03:00:00+07:00'), end: at('2026-05-30T05:30:00+07:00') });
  });

  it('ends a remembered occurrence and starts the next when a whole gap went by unseen', () => {
    const remembered = { 'nightly-backup': first };
    const next = findWindowTransitions([nightly], remembered, at('2026-05-31T01:05:00+07:00'));
    expect(next.ended.map(({ occurrence }) => occurrence)).toEqual([first]);
    expect(next.started.map(({ occurrence }) => iso(occurrence.start))).toEqual([iso(at('2026-05-31T01:00:00+07:00'))]);
  });

  it('ends a window that left the config while it ran', () => {
    const next = findWindowTransitions([], { 'nightly-backup': first }, at('2026-05-30T01:10:00+07:00'));
    expect(next.ended).toEqual([{ name: 'nightly-backup', window: undefined, occurrence: first }]);
  });
});

import { describe, expect, it } from 'vitest';
import { withDeskWindows } from '../../src/state/desk-rules.ts';
import { coversCheck } from '../../src/state/maintenance.ts';
import type { MaintenanceRecord } from '../../src/state/desk-records.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';

const CHECKS = [
  { name: 'dvcqg-home', system: 'national-portal' },
  { name: 'vneid-login', system: 'vneid' },
];
const START = new Date('2026-05-29T15:00:00Z');

function record(overrides: Partial<MaintenanceRecord>): MaintenanceRecord {
  return { id: 'm-1', name: 'cut-over', checks: [], systems: [], startedAt: START, startedBy: 'lan', ...overrides };
}

describe('withDeskWindows', () => {
  it('adds API windows as absolute ones, covering the checks of the systems they name', () => {
    const configured = makeAlerting({ maintenance: [{ kind: 'absolute', name: 'cut-over', checks: ['x'], start: START, end: START }] });
    const alerting = withDeskWindows(configured, [record({ systems: ['vneid'], until: new Date('2026-05-29T16:00:00Z') })], CHECKS);
    const added = alerting.maintenance[1]!;
    expect(added).toMatchObject({ kind: 'absolute', name: 'cut-over (m-1)', start: START, end: new Date('2026-05-29T16:00:00Z') });
    expect(CHECKS.filter((check) => coversCheck(added, check.name)).map((check) => check.name)).toEqual(['vneid-login']);
  });

  it('covers nothing for a system without checks, everything when it names nothing, and ends when ended', () => {
    const [none, all] = withDeskWindows(
      makeAlerting(),
      [record({ systems: ['payment'] }), record({ id: 'm-2', name: 'all', endedAt: new Date('2026-05-29T15:30:00Z') })],
      CHECKS,
    ).maintenance;
    expect(CHECKS.some((check) => coversCheck(none!, check.name))).toBe(false);
    expect(CHECKS.every((check) => coversCheck(all!, check.name))).toBe(true);
    expect(all).toMatchObject({ end: new Date('2026-05-29T15:30:00Z') });
  });
});

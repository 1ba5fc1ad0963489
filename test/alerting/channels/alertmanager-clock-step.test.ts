// Alertmanager compares an alert's times with its own clock: after the daemon's wall clock stepped
// back, incidents stamped on the steady clock lie ahead of the wall. The alerts posted must still
// start no later than they end, and a resolved one must not stay firing until its stamp comes round.
import { describe, expect, it } from 'vitest';
import { buildAlerts } from '../../../src/alerting/channels/alertmanager.ts';
import { makeIncident } from '../../support/alerting-fixtures.ts';

const HOUR_MS = 3_600_000;
const STEADY_NOW = new Date('2026-05-29T15:10:00Z');
/** The wall clock, stepped back an hour after the incidents were stamped. */
const WALL_NOW = new Date(STEADY_NOW.getTime() - HOUR_MS);
const options = { locale: 'vi' as const, links: {}, resendIntervalSeconds: 60, clock: () => WALL_NOW };

describe('alerts for Alertmanager after a step back of the wall clock', () => {
  it('a firing alert starts no later than the wall clock says now, and ends after it', () => {
    const open = makeIncident({ openedAt: new Date(STEADY_NOW.getTime() - 120_000) });
    const [alert] = buildAlerts([open], [], options).firing;
    expect(alert!.startsAt).toBe(WALL_NOW.toISOString());
    expect(Date.parse(alert!.endsAt)).toBeGreaterThan(WALL_NOW.getTime());
  });

  it('a resolved alert ends now, not an hour ahead when its stamp comes round', () => {
    const resolved = makeIncident({ openedAt: new Date(STEADY_NOW.getTime() - 120_000), resolvedAt: STEADY_NOW });
    const [alert] = buildAlerts([], [resolved], options).resolved;
    expect(alert!.endsAt).toBe(WALL_NOW.toISOString());
    expect(Date.parse(alert!.startsAt)).toBeLessThanOrEqual(Date.parse(alert!.endsAt));
  });
});

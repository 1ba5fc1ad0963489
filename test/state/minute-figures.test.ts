import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/probes/probe.ts';
import { sketchQuantile } from '../../src/state/latency-sketch.ts';
import { addResult, mergeMinutes, minuteOf, startMinute } from '../../src/state/minute-figures.ts';

const MINUTE = Date.parse('2026-12-01T08:00:00.000Z');

function result(fields: Partial<ProbeResult> = {}): ProbeResult {
  return { status: 'ok', message: 'HTTP 200', durationSeconds: 0.1, phases: {}, ...fields };
}

describe('minute figures', () => {
  it('dates a result by the start of its minute', () => {
    expect(minuteOf(MINUTE + 59_999)).toBe(MINUTE);
    expect(minuteOf(MINUTE + 60_000)).toBe(MINUTE + 60_000);
  });

  it('counts probes and failures by reason, and keeps the latency of every probe, failed ones too', () => {
    const figures = startMinute('a', MINUTE);
    addResult(figures, result({ durationSeconds: 0.08 }));
    addResult(figures, result({ status: 'critical', reason: 'timeout', durationSeconds: 10 }));
    addResult(figures, result({ status: 'critical', reason: 'timeout', durationSeconds: 10 }));
    addResult(figures, result({ status: 'warning', durationSeconds: 0.5 })); // no reason: the monitor's own fault
    expect(figures.probes).toBe(4);
    expect(figures.failuresByReason).toEqual({ timeout: 2, internal: 1 });
    expect(figures.latency.count).toBe(4);
    expect(sketchQuantile(figures.latency, 1)).toBe(10);
  });

  it('keeps sync lag max and sketch, backlog max and the fewest TLS days left, only when measured', () => {
    const figures = startMinute('sync', MINUTE);
    addResult(figures, result());
    expect(figures.syncLag).toBeUndefined();
    addResult(figures, result({ sync: { mode: 'lag', unit: 'seconds', lag: 90, backlog: 4 } }));
    addResult(figures, result({ sync: { mode: 'lag', unit: 'seconds', lag: 30, backlog: 7 } }));
    addResult(figures, result({ tls: { expiresAt: new Date(0), daysLeft: 12, subject: 's', issuer: 'i' } }));
    addResult(figures, result({ tls: { expiresAt: new Date(0), daysLeft: 40, subject: 's', issuer: 'i' } }));
    expect(figures).toMatchObject({ syncLagMax: 90, backlogMax: 7, tlsDaysLeftMin: 12 });
    expect(figures.syncLag?.count).toBe(2);
  });

  it('merges two halves of one minute into the figures of the whole', () => {
    const first = startMinute('a', MINUTE);
    addResult(
      first,
      result({ status: 'critical', reason: 'dns', durationSeconds: 0.2, tls: { expiresAt: new Date(0), daysLeft: 9, subject: 's', issuer: 'i' } }),
    );
    const second = startMinute('a', MINUTE);
    addResult(second, result({ durationSeconds: 0.05, sync: { mode: 'lag', unit: 'items', lag: 3, backlog: 3 } }));
    addResult(second, result({ status: 'critical', reason: 'dns', durationSeconds: 0.3 }));
    mergeMinutes(first, second);
    expect(first).toMatchObject({ probes: 3, failuresByReason: { dns: 2 }, syncLagMax: 3, backlogMax: 3, tlsDaysLeftMin: 9 });
    expect([first.latency.count, first.latency.min, first.latency.max]).toEqual([3, 0.05, 0.3]);
    expect(first.syncLag?.count).toBe(1);
  });
});

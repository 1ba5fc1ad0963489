import { describe, expect, it } from 'vitest';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { initialCheckState, nextCheckState, type CheckState } from '../../src/state/check-state.ts';

const result = (status: Status): ProbeResult => ({
  status,
  reason: status === 'ok' ? undefined : status === 'warning' ? 'latency' : 'timeout',
  message: status,
  durationSeconds: 0.1,
  phases: {},
});

/** Feeds results one by one and returns the status after each, plus every change seen. */
function story(statuses: Status[], thresholds = { failureThreshold: 2, successThreshold: 2 }) {
  let state: CheckState = initialCheckState(new Date(0));
  const seen: string[] = [];
  const changes: string[] = [];
  statuses.forEach((status, index) => {
    const next = nextCheckState(state, result(status), thresholds, new Date((index + 1) * 1000));
    state = next.state;
    seen.push(state.status);
    if (next.change) changes.push(`${next.change.from}->${next.change.to}@${index + 1}`);
  });
  return { seen, changes, state };
}

describe('nextCheckState', () => {
  it('becomes ok on the first healthy result', () => {
    expect(story(['ok']).seen).toEqual(['ok']);
  });

  it('opens critical only after failureThreshold consecutive failures', () => {
    const { seen, changes } = story(['ok', 'critical', 'ok', 'critical', 'critical']);
    expect(seen).toEqual(['ok', 'ok', 'ok', 'ok', 'critical']);
    expect(changes).toEqual(['unknown->ok@1', 'ok->critical@5']);
  });

  it('needs successThreshold healthy results to recover', () => {
    const { seen } = story(['critical', 'critical', 'ok', 'critical', 'ok', 'ok']);
    expect(seen).toEqual(['unknown', 'critical', 'critical', 'critical', 'critical', 'ok']);
  });

  it('takes the worst status the failing streak shares', () => {
    expect(story(['ok', 'critical', 'warning']).seen.at(-1)).toBe('warning');
    expect(story(['ok', 'warning', 'warning', 'critical', 'critical']).seen).toEqual(['ok', 'ok', 'warning', 'warning', 'critical']);
  });

  it('steps down from critical to warning when the streak is warnings', () => {
    expect(story(['critical', 'critical', 'warning', 'warning', 'ok', 'ok']).seen).toEqual(['unknown', 'critical', 'critical', 'warning', 'warning', 'ok']);
  });

  it('honours thresholds of 1 (every result counts at once)', () => {
    expect(story(['ok', 'critical', 'ok'], { failureThreshold: 1, successThreshold: 1 }).seen).toEqual(['ok', 'critical', 'ok']);
  });

  it('keeps since until the status changes and counts consecutive failures', () => {
    const { state } = story(['ok', 'ok', 'critical', 'critical', 'critical']);
    expect(state.since).toEqual(new Date(4000));
    expect(state.consecutiveFailures).toBe(3);
    expect(state.consecutiveSuccesses).toBe(0);
  });

  it('stays unknown while failures have not reached the threshold', () => {
    const { seen, changes } = story(['critical'], { failureThreshold: 3, successThreshold: 1 });
    expect(seen).toEqual(['unknown']);
    expect(changes).toEqual([]);
  });

  it('dates the current run of failures and of passes from its first result, whatever the thresholds', () => {
    const failing = story(['ok', 'ok', 'warning', 'critical', 'critical'], { failureThreshold: 3, successThreshold: 2 }).state;
    expect(failing.failingSince).toEqual(new Date(3000));
    expect(failing.passingSince).toBeUndefined();
    const passing = story(['critical', 'critical', 'ok', 'ok', 'ok']).state;
    expect(passing.passingSince).toEqual(new Date(3000));
    expect(passing.failingSince).toBeUndefined();
  });

  it('starts a run at the next result for a state stored before runs were dated', () => {
    const { failingSince: _failing, ...stored } = story(['critical', 'critical']).state;
    expect(nextCheckState(stored, result('critical'), { failureThreshold: 2, successThreshold: 2 }, new Date(9000)).state.failingSince).toEqual(new Date(9000));
  });
});

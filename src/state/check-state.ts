// Decides a check's status from its probe results. Pure: the caller persists and reports.
//
// Policy (the contract technicians rely on):
// - A check starts `unknown`. Its first healthy result makes it `ok` at once; failures from
//   `unknown` need failureThreshold in a row, like any other escalation.
// - Escalation: when the last `failureThreshold` results are all at least as bad as some status
//   worse than the current one, the check takes the worst status they all share. So two
//   criticals make it critical, and a critical followed by a warning makes it (at least) warning.
// - De-escalation: when the last `successThreshold` results are all better than the current
//   status, the check takes the worst of them (critical → two warnings → warning).
// - `since` changes only with the status; `consecutiveFailures` counts results that were not ok.
// - `failingSince` and `passingSince` date the current run of not-ok and of ok results: the first
//   probe of the run, whatever the thresholds make of it, so an incident's down time starts at the
//   first failure and ends at the first pass.
import type { BackendIdentity, ProbeResult, Status } from '../probes/probe.ts';

export type CheckStatus = Status | 'unknown';

const SEVERITY: Record<CheckStatus, number> = { unknown: -1, ok: 0, warning: 1, critical: 2 };
const BY_SEVERITY: readonly Status[] = ['ok', 'warning', 'critical'];

export interface Thresholds {
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export interface CheckState {
  readonly status: CheckStatus;
  readonly since: Date;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** Severities of the most recent results, newest last; as long as the larger threshold. */
  readonly recent: readonly number[];
  readonly lastResult?: ProbeResult;
  readonly lastResultAt?: Date;
  /** When the current run of results that were not ok began; absent while the latest result is ok. */
  readonly failingSince?: Date;
  /** When the current run of ok results began; absent while the latest result is not ok. */
  readonly passingSince?: Date;
  /** The last server seen answering (http, tls); kept through results that reached none (backend-change.ts). */
  readonly backend?: BackendIdentity;
}

export interface StatusChange {
  readonly from: CheckStatus;
  readonly to: Status;
}

export function initialCheckState(now: Date): CheckState {
  return { status: 'unknown', since: now, consecutiveFailures: 0, consecutiveSuccesses: 0, recent: [] };
}

export function nextCheckState(previous: CheckState, result: ProbeResult, thresholds: Thresholds, now: Date): { state: CheckState; change?: StatusChange } {
  const severity = SEVERITY[result.status];
  const keep = Math.max(thresholds.failureThreshold, thresholds.successThreshold);
  const recent = [...previous.recent, severity].slice(-keep);
  const current = SEVERITY[previous.status];
  let next = previous.status;

  if (previous.status === 'unknown' && severity === 0) {
    next = 'ok';
  } else {
    const failures = recent.slice(-thresholds.failureThreshold);
    const shared = failures.length === thresholds.failureThreshold ? Math.min(...failures) : -1;
    if (shared > current && shared > 0) {
      next = BY_SEVERITY[shared]!;
    } else if (current > 0) {
      const successes = recent.slice(-thresholds.successThreshold);
      if (successes.length === thresholds.successThreshold && successes.every((value) => value < current)) {
        next = BY_SEVERITY[Math.max(...successes)]!;
      }
    }
  }

  const failed = result.status !== 'ok';
  const state: CheckState = {
    status: next,
    since: next === previous.status ? previous.since : now,
    consecutiveFailures: failed ? previous.consecutiveFailures + 1 : 0,
    consecutiveSuccesses: failed ? 0 : previous.consecutiveSuccesses + 1,
    recent,
    lastResult: result,
    lastResultAt: now,
    // Each is absent while the other runs, so a run continues exactly when its field is there (a
    // state stored before they were kept starts its run at this result).
    ...(failed ? { failingSince: previous.failingSince ?? now } : { passingSince: previous.passingSince ?? now }),
    ...((result.backend ?? previous.backend) === undefined ? {} : { backend: result.backend ?? previous.backend }),
  };
  return next === previous.status || next === 'unknown' ? { state } : { state, change: { from: previous.status, to: next } };
}

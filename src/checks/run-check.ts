// One run of one check, the whole pipeline on one screen:
// deadline → probe → metrics → state → log. Never rejects: a bug in a probe is logged and
// counted as a failed run so one broken check cannot stop the scheduler.
import type { Logger } from 'pino';
import { monotonicMs, secondsSince, type Clock } from '../clock.ts';
import type { Check } from '../config/config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { carriedSync, probeMessage, type Lookup, type ProbeResult } from '../probes/probe.ts';
import { runProbe } from '../probes/registry.ts';
import { nextCheckState, initialCheckState, type CheckState, type StatusChange } from '../state/check-state.ts';

export interface RunCheckDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly lookup?: Lookup;
  /** Latest state per check name. */
  readonly states: ReadonlyMap<string, CheckState>;
  /** Keeps the new state (and, in the daemon, persists it with the incidents it causes). */
  readonly record: (check: Check, state: CheckState, result: ProbeResult, change: StatusChange | undefined, now: Date) => void;
}

/** For callers without a store (`once`): states live in the map alone. */
export function recordInMap(states: Map<string, CheckState>): RunCheckDeps['record'] {
  return (check, state) => {
    states.set(check.name, state);
  };
}

/** Grace after the deadline before a probe that ignores its signal is given up on. */
const STUCK_PROBE_GRACE_MS = 1000;

export async function runCheck(check: Check, deps: RunCheckDeps, stop?: AbortSignal): Promise<ProbeResult> {
  const log = deps.log.child({ check: check.name, kind: check.kind });
  const { signal, dispose } = deadlineSignal(check.timeoutSeconds * 1000, stop);
  const previous = deps.states.get(check.name);
  let result: ProbeResult;
  try {
    result = await probeWithinDeadline(check, { signal, clock: deps.clock, log, lookup: deps.lookup, previous: previous?.lastResult }, log);
  } finally {
    dispose();
  }
  if (stop?.aborted) {
    // Cancelled by shutdown or reload, not failed: recording it would open a false outage.
    log.debug({ cause: String((stop.reason as Error | undefined)?.message ?? stop.reason) }, 'run cancelled');
    return result;
  }
  const now = deps.clock();
  deps.metrics?.recordProbe(check, result, now);

  const { state, change } = nextCheckState(previous ?? initialCheckState(now), result, check, now);
  try {
    deps.record(check, state, result, change, now);
  } catch (error) {
    // The store refused the write (disk full, I/O error): nothing of this run was committed, so
    // the next run decides again from the last state that was.
    log.error({ err: error }, 'could not record the result; it will be decided again on the next run');
    return result;
  }
  if (state.status !== 'unknown') deps.metrics?.recordCheckStatus(check, state.status);

  const fields = { status: result.status, reason: result.reason, durationSeconds: round(result.durationSeconds), httpStatus: result.httpStatus };
  if (change) {
    log.info({ ...fields, system: check.system, from: change.from, to: change.to, message: result.message }, 'check status changed');
  } else {
    log.debug({ ...fields, message: result.message }, 'probe finished');
  }
  return result;
}

/**
 * Aborts at the deadline or when `stop` aborts, whichever comes first. Unlike AbortSignal.timeout
 * and AbortSignal.any, nothing outlives the probe: the timer is cleared and the listener removed,
 * so a thousand probes a second leave no timers firing later and no dependents on `stop`.
 */
function deadlineSignal(timeoutMs: number, stop: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('probe deadline reached', 'TimeoutError')), Math.ceil(timeoutMs));
  const onStop = () => controller.abort(stop?.reason);
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    },
  };
}

async function probeWithinDeadline(check: Check, context: Parameters<typeof runProbe>[1], log: Logger): Promise<ProbeResult> {
  const started = monotonicMs();
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () => {
        log.error({ timeoutSeconds: check.timeoutSeconds }, 'probe ignored its deadline; result forced to timeout');
        resolve({
          status: 'critical',
          reason: 'timeout',
          message: 'no answer before the deadline',
          detail: probeMessage('timeout', {}),
          durationSeconds: secondsSince(started),
          phases: {},
          sync: context.previous?.sync && carriedSync(context.previous.sync),
        });
      },
      check.timeoutSeconds * 1000 + STUCK_PROBE_GRACE_MS,
    );
  });
  try {
    return await Promise.race([runProbe(check, context), giveUp]);
  } catch (error) {
    // Our own code threw, not the target: `internal` keeps the blame off the watched system.
    log.error({ err: error }, 'probe crashed; this is a bug in dvc-sentinel');
    return {
      status: 'critical',
      reason: 'internal',
      message: `internal error: ${(error as Error).message}`,
      detail: probeMessage('internal', {}),
      durationSeconds: secondsSince(started),
      phases: {},
      sync: context.previous?.sync && carriedSync(context.previous.sync),
    };
  } finally {
    clearTimeout(timer);
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 10000) / 10000;
}

// One run of one check, the whole pipeline on one screen, in order:
//   1. probe, within the deadline,     4. state (pure: thresholds)
//      secrets scrubbed from its result
//   2. judge latency                   5. incidents and notifications (pure: the incident rules)
//   3. metrics and history             6. one transaction: state + incidents + notifications
// Never rejects: a bug in a probe is logged and counted as a failed run, so one broken check
// cannot stop the scheduler. Without a store (`once`), step 5 is skipped, step 6 keeps the
// state in a map and no history is written.
import type { Logger } from 'pino';
import { monotonicMs, systemMonotonic, type Clock, type MonotonicClock } from '../clock.ts';
import type { Check } from '../config/config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { carriedSync, probeMessage, type AuthBroker, type Lookup, type Probe, type ProbeContext, type ProbeResult } from '../probes/probe.ts';
import { ANSWER_GRACE_MS, createArrivals, type Arrivals } from '../probes/arrivals.ts';
import { judgeLatency, probes } from '../probes/registry.ts';
import { backendChanged, describeBackend } from '../probes/backend.ts';
import { scrubStrings } from '../scrub-secrets.ts';
import { nextCheckState, initialCheckState, type CheckState, type StatusChange } from '../state/check-state.ts';
import type { Decision } from '../state/incidents.ts';
import type { HistoryRecorder } from '../store/history-writer.ts';

export interface RunCheckDeps {
  /** The wall clock: the probe's "now" (certificate days, one-sided sync lag), metrics and history minutes. */
  readonly clock: Clock;
  /**
   * Rule time for the check's state and the incident rules (the daemon's steady clock, which
   * never steps within a run), so "down for" and every wait are monotonic; absent = `clock`.
   */
  readonly steady?: Clock;
  /** Measures how long a probe that crashed or ignored its deadline took; default performance.now(). */
  readonly monotonic?: MonotonicClock;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly lookup?: Lookup;
  /** Step 3: takes every result into probe history (written a second later, in a batch). Absent in `once`. */
  readonly history?: HistoryRecorder;
  /** Latest state per check name. */
  readonly states: ReadonlyMap<string, CheckState>;
  /**
   * Step 5: what the incident rules make of the new state and result. Reads, never writes;
   * undefined when the check is no longer configured. Absent without a store (`once`).
   */
  readonly decide?: (check: Check, state: CheckState, result: ProbeResult, change: StatusChange | undefined, now: Date) => Decision | undefined;
  /** Step 6: keeps the new state and, in the daemon, commits it with the decision in one transaction. */
  readonly record: (check: Check, state: CheckState, decision: Decision | undefined, now: Date) => void;
  /** Credentials for checks with `auth` (probes/auth/auth-broker.ts). */
  readonly auth?: AuthBroker;
  /**
   * Replaces the current secret values (createSecretScrubber over the config's and the auth
   * broker's secrets) in a text. Every string of a result passes through it before anything
   * records, stores or shows the result: an endpoint may quote a token back in its answer.
   */
  readonly scrub?: (text: string) => string;
}

/** For callers without a store (`once`): states live in the map alone. */
export function recordInMap(states: Map<string, CheckState>): RunCheckDeps['record'] {
  return (check, state) => {
    states.set(check.name, state);
  };
}

/**
 * One child logger per check and parent, made at its first run: pino builds a child's bindings
 * text when it is made, which cost more than a probe's own judging, a thousand times a second.
 * A reload brings new check objects, and with them new children.
 */
const checkLoggers = new WeakMap<Logger, WeakMap<Check, Logger>>();

function checkLogger(parent: Logger, check: Check): Logger {
  let children = checkLoggers.get(parent);
  if (children === undefined) {
    children = new WeakMap();
    checkLoggers.set(parent, children);
  }
  let log = children.get(check);
  if (log === undefined) {
    log = parent.child({ check: check.name, kind: check.kind });
    children.set(check, log);
  }
  return log;
}

/** Grace after the deadline (and after an answer still arriving) before a probe that ignores its signal is given up on. */
const STUCK_PROBE_GRACE_MS = ANSWER_GRACE_MS + 1000;

export async function runCheck(check: Check, deps: RunCheckDeps, stop?: AbortSignal): Promise<ProbeResult> {
  const log = checkLogger(deps.log, check);
  const previous = deps.states.get(check.name);

  // 1. probe, within the deadline
  const arrivals = createArrivals();
  const { signal, dispose } = deadlineSignal(check.timeoutSeconds * 1000, stop, arrivals);
  const monotonic = deps.monotonic ?? systemMonotonic;
  const giveUp = forceTimeoutAfterGrace(check, previous?.lastResult, monotonic, log);
  let measured: ProbeResult;
  try {
    const context = {
      signal,
      clock: deps.clock,
      log,
      lookup: deps.lookup,
      previous: previous?.lastResult,
      auth: deps.auth,
      arrivals,
      ...(deps.steady === undefined ? {} : { steady: deps.steady }),
    };
    const raw = await Promise.race([probeWithinDeadline(check, context, monotonic, log), giveUp.result]);
    // The one place results leave the probe layer: nothing after this line sees an echoed secret.
    measured = deps.scrub === undefined ? raw : scrubStrings(raw, deps.scrub);
  } finally {
    giveUp.cancel();
    dispose();
  }
  if (stop?.aborted) {
    // Cancelled by shutdown or reload, not failed: recording it would open a false outage.
    log.debug({ cause: String((stop.reason as Error | undefined)?.message ?? stop.reason) }, 'run cancelled');
    return measured;
  }

  // 2. judge latency: shared by every kind; a probe that already failed keeps its own reason
  const result = judgeLatency(measured, check.latency);

  // 3. metrics and history
  const wallNow = deps.clock();
  deps.metrics?.recordProbe(check, result, wallNow);
  deps.history?.record(check.name, result, wallNow);

  // 4. state
  const now = deps.steady?.() ?? wallNow;
  const { state, change } = nextCheckState(previous ?? initialCheckState(now), result, check, now);
  if (previous?.backend && state.backend && backendChanged(previous.backend, state.backend)) {
    log.warn({ system: check.system, from: describeBackend(previous.backend), to: describeBackend(state.backend) }, 'answering server changed');
  }

  try {
    // 5. incidents and notifications
    const decision = deps.decide?.(check, state, result, change, now);
    // 6. one transaction
    deps.record(check, state, decision, now);
  } catch (error) {
    // The rules failed, or a store without an unsaved outbox refused the write (the daemon's book
    // decides in memory instead and writes later: incident-book.ts): nothing of this run was
    // committed, so the next run decides again from the last state that was.
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

/** The kind's own probe, without the latency judging runProbe adds: step 2 does that here. */
function probeKind(check: Check, context: ProbeContext): Promise<ProbeResult> {
  // TS cannot correlate check.kind with probes[check.kind]; the registry's mapped type guarantees it.
  return (probes[check.kind] as Probe<Check>)(check, context);
}

/**
 * Aborts at the deadline or when `stop` aborts, whichever comes first. Unlike AbortSignal.timeout
 * and AbortSignal.any, nothing outlives the probe: the timers are cleared and the listener removed,
 * so a thousand probes a second leave no timers firing later and no dependents on `stop`.
 *
 * The deadline is judged by what reached the probe's sockets, not by when the event loop got to
 * them. Node runs due timers before it reads sockets, so when a burst keeps the loop busy, the
 * deadline timer can fire while an answer that came in time still waits in the socket. When the
 * timer fires, the loop is therefore let through one socket read (setImmediate runs after it):
 * while a round brings new bytes, the probe is taking in its answer and gets another round; two
 * quiet rounds in a row (the second lets a probe finish what the first read) abort it, and no
 * probe runs more than ANSWER_GRACE_MS past its deadline. A target that answers late brings
 * nothing in those rounds and times out a loop turn or two after the deadline, as before.
 */
function deadlineSignal(timeoutMs: number, stop: AbortSignal | undefined, arrivals: Arrivals): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const dueAt = monotonicMs() + timeoutMs;
  let quietRounds = 0;
  let seen = arrivals.count();
  let immediate: NodeJS.Immediate | undefined;
  const abort = (): void => controller.abort(new DOMException('probe deadline reached', 'TimeoutError'));
  const round = (): void => {
    const now = arrivals.count();
    quietRounds = now === seen ? quietRounds + 1 : 0;
    seen = now;
    if (quietRounds >= 2 || monotonicMs() - dueAt >= ANSWER_GRACE_MS) abort();
    else immediate = setImmediate(round);
  };
  const timer = setTimeout(() => {
    seen = arrivals.count();
    immediate = setImmediate(round);
  }, Math.ceil(timeoutMs));
  const onStop = () => controller.abort(stop?.reason);
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      if (immediate !== undefined) clearImmediate(immediate);
      stop?.removeEventListener('abort', onStop);
    },
  };
}

/**
 * A probe that ignores its signal is given up on a grace after the deadline, with a timeout
 * result. The wait is a process timer; the forced result's duration is read on `monotonic`.
 */
function forceTimeoutAfterGrace(
  check: Check,
  previous: ProbeResult | undefined,
  monotonic: MonotonicClock,
  log: Logger,
): { result: Promise<ProbeResult>; cancel: () => void } {
  const started = monotonic();
  let timer: NodeJS.Timeout | undefined;
  const result = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () => {
        log.error({ timeoutSeconds: check.timeoutSeconds }, 'probe ignored its deadline; result forced to timeout');
        resolve({
          status: 'critical',
          reason: 'timeout',
          message: 'no answer before the deadline',
          detail: probeMessage('timeout', {}),
          durationSeconds: (monotonic() - started) / 1000,
          phases: {},
          sync: previous?.sync && carriedSync(previous.sync),
        });
      },
      check.timeoutSeconds * 1000 + STUCK_PROBE_GRACE_MS,
    );
  });
  return { result, cancel: () => clearTimeout(timer) };
}

async function probeWithinDeadline(check: Check, context: ProbeContext, monotonic: MonotonicClock, log: Logger): Promise<ProbeResult> {
  const started = monotonic();
  try {
    return await probeKind(check, context);
  } catch (error) {
    // Our own code threw, not the target: `internal` keeps the blame off the watched system.
    log.error({ err: error }, 'probe crashed; this is a bug in dvc-sentinel');
    return {
      status: 'critical',
      reason: 'internal',
      message: `internal error: ${(error as Error).message}`,
      detail: probeMessage('internal', {}),
      durationSeconds: (monotonic() - started) / 1000,
      phases: {},
      sync: context.previous?.sync && carriedSync(context.previous.sync),
    };
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 10000) / 10000;
}

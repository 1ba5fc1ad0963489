// Keeps the daemon's picture of checks and incidents, and writes every change to the store in ONE
// transaction with the notifications it causes: check state, incident rows, outbox rows and the
// alerting state commit together or not at all. That is the "nothing lost, nothing twice" rule.
// The rules themselves are pure (state/incidents.ts); this module only feeds and persists them.
//
// When the store refuses a write (disk full, I/O error), the picture in memory is the truth: the
// decision is mirrored as if committed (the check turns critical, the incident opens, the page and
// the API show it), its notifications go to the unsaved outbox (delivered from memory), and what it
// would have written waits in a backlog. Each later write, and a retry every STORE_RETRY_MS on the
// monotonic clock, first tries the backlog again: once the store accepts, everything decided
// meanwhile is written in ONE transaction, oldest first, with the unsaved outbox's rows and
// deliveries (a mail sent meanwhile is recorded as delivered, so it is never sent again).
import type { Logger } from 'pino';
import { systemMonotonic, type Clock, type MonotonicClock } from '../clock.ts';
import type { Notification } from '../state/notification.ts';
import type { AlertingConfig } from '../config/alerting-config.ts';
import type { Check } from '../config/config.ts';
import { carriedSync, type ProbeResult } from '../probes/probe.ts';
import type { Store } from '../store/store.ts';
import { initialAlertingState, parseAlertingState, sameAlertingState, serializeAlertingState, type AlertingState } from '../state/alerting-state.ts';
import type { CheckState, StatusChange } from '../state/check-state.ts';
import type { DeskLookup } from '../state/desk-rules.ts';
import type { Escalator } from './escalator.ts';
import { isFlapping } from '../state/flapping.ts';
import type { Incident } from '../state/incident.ts';
import { decideOnResult, decideOnTick, type AlertingView, type CheckAlerting, type Decision } from '../state/incidents.ts';
import { ordinaryRecipients, routeKey } from '../state/recipients.ts';
import { enqueueOnNamedChannels } from '../alerting/named-queue.ts';
import type { UnsavedOutbox } from '../alerting/unsaved-outbox.ts';
import { backendChangeNotification } from '../state/backend-change.ts';

const ALERTING_STATE_KEY = 'alerting-state';
/** A steady check's state is rewritten at least this often, so a restart shows a recent result. */
const STEADY_STATE_WRITE_MS = 60_000;
/** While the store refuses writes, it is tried again at most this often (monotonic). */
const STORE_RETRY_MS = 5000;

/** What of a state, once written, makes a later one worth writing again. */
interface Written {
  readonly at: number;
  readonly key: string;
}

/**
 * The parts of a state a restart needs exactly: status, the streak towards a threshold, when the
 * current run of results began (an incident's down time starts there), and what a
 * sync probe carries to the next (watermarks, stall and mismatch clocks), and the server last seen
 * answering (a restart must not announce it again). Everything else (the last
 * result's timings and measures) may be a minute old.
 */
function persistenceKey(state: CheckState): string {
  const sync = state.lastResult?.sync;
  const runSince = state.failingSince ?? state.passingSince;
  return JSON.stringify([state.status, state.since.getTime(), state.recent, runSince?.getTime(), sync && carriedSync(sync), state.backend]);
}

export interface IncidentBook {
  /** Latest state per check name (restored from the store at start). */
  readonly states: ReadonlyMap<string, CheckState>;
  openIncidents(): readonly Incident[];
  /**
   * After a probe: what the rules decide, seen with the new state. Changes nothing; undefined
   * when the check left the config (a run that outlived a reload).
   */
  decide(check: Check, state: CheckState, result: ProbeResult, change: StatusChange | undefined, now: Date): Decision | undefined;
  /** Persists the state and that decision in one transaction, then mirrors them in memory. */
  record(check: Check, state: CheckState, decision: Decision | undefined, now: Date): void;
  /** Time-driven rules: settled firings, reminders, windows, vantage. */
  tick(now: Date): void;
  /** Reload: new rules and checks; incidents of removed checks are closed. */
  configure(alerting: AlertingConfig, checks: readonly Check[], now: Date): void;
  /** Since when the store refuses writes, and why; undefined while it accepts them. */
  storeRefusal(): StoreRefusal | undefined;
}

export interface StoreRefusal {
  /** Wall-clock time of the first refused write. */
  readonly since: Date;
  /** The store's words, e.g. "SQLITE_FULL: database or disk is full". */
  readonly error: string;
  /** Changes decided since and kept in memory (writes and notifications). */
  readonly unsaved: number;
}

export interface IncidentBookOptions {
  readonly store: Store;
  readonly alerting: AlertingConfig;
  readonly checks: readonly Check[];
  readonly log: Logger;
  /** Called after a commit that queued notifications (wakes the outbox). */
  readonly onQueued?: (notifications: readonly Notification[]) => void;
  /**
   * Called after a commit that opened, announced, resolved or re-graded an incident (wakes the
   * Alertmanager loop); not for the probe counts a failing check adds to its open incident.
   */
  readonly onIncidentsChanged?: () => void;
  /** Acknowledgements and silences made at the duty desk, which the rules consult. */
  readonly desk?: DeskLookup;
  /** Fires alerting.escalation's due steps at every tick (checks/escalator.ts). */
  readonly escalator?: Escalator;
  /**
   * The wall clock, for schedules (windows, roster, silences). The `now` every method is given is
   * rule time (the daemon's steady clock); absent = schedules read that `now` too.
   */
  readonly wall?: Clock;
  /**
   * Where notifications wait while the store refuses writes. Without it a refused write throws and
   * nothing of it is mirrored, so the next result decides again (tests of the rules alone).
   */
  readonly unsaved?: UnsavedOutbox;
  /** Paces the retries while the store refuses writes; default performance.now(). */
  readonly monotonic?: MonotonicClock;
  /** Each write the store refused (dvc_store_write_errors_total). */
  readonly onWriteRefused?: (error: unknown) => void;
}

/** Where a write puts its notifications: the store's outbox, or the unsaved one while the store refuses. */
type Queue = Pick<Store['outbox'], 'enqueue'>;

/** One write: states to save (undefined: remove), incidents to upsert, notifications to queue, the alerting state when it changed. */
interface Change {
  readonly states: readonly (readonly [string, CheckState | undefined])[];
  readonly incidents: readonly Incident[];
  readonly notifications: readonly Notification[];
  /** The rules queue mail even to nobody; the removal of a check does not. */
  readonly mailWithoutRecipients: boolean;
  readonly alertingState?: AlertingState | undefined;
}

const NO_MAIL = { notifications: [], mailWithoutRecipients: false } as const;

interface Backlog {
  readonly states: Map<string, CheckState | undefined>;
  readonly incidents: Map<string, Incident>;
  alertingState?: AlertingState | undefined;
}

export function createIncidentBook(options: IncidentBookOptions): IncidentBook {
  const { store, log } = options;
  let alerting = options.alerting;
  let checks = toCheckAlerting(options.checks);
  const states = new Map(store.checkStates.loadAll());
  // Writing every probe's state would put a commit (and, now and then, a WAL checkpoint) on the
  // probe path a thousand times a second; a healthy check's state rarely changes in substance.
  const written = new Map<string, Written>([...states].map(([name, state]) => [name, { at: state.lastResultAt?.getTime() ?? 0, key: persistenceKey(state) }]));
  const open = new Map(store.incidents.loadOpen().map((incident) => [incident.check, incident]));
  let alertingState = loadAlertingState(store, log);
  if (open.size > 0) log.info({ open: [...open.keys()] }, 'open incidents restored from the store');

  const view = (now: Date): AlertingView => ({
    now,
    config: alerting,
    checks,
    states,
    open,
    alertingState,
    resolvedRiders: (by, key) => store.incidents.resolvedHeldBy(by, key),
    ...(options.desk === undefined ? {} : { desk: options.desk }),
    ...(options.wall === undefined ? {} : { wall: options.wall() }),
  });

  /** What the store refused, coalesced: the latest state per check and version per incident (bounded by their number). */
  const backlog: Backlog = { states: new Map(), incidents: new Map() };
  let refusal: { since: Date; error: string } | undefined;
  let lastTryMs = Number.NEGATIVE_INFINITY;
  const monotonic = options.monotonic ?? systemMonotonic;

  const writeChange = (change: Change, queue: Queue | undefined): void => {
    for (const [name, state] of change.states) {
      if (state === undefined) store.checkStates.remove(name);
      else store.checkStates.save(name, state);
    }
    for (const incident of change.incidents) store.incidents.upsert(incident);
    if (queue) queueNotifications(queue, alerting, change.notifications, change.mailWithoutRecipients);
    if (change.alertingState) store.meta.set(ALERTING_STATE_KEY, serializeAlertingState(change.alertingState));
  };

  const postpone = (change: Change): void => {
    for (const [name, state] of change.states) backlog.states.set(name, state);
    // Map.set keeps an incident's first place: a resolution is written before the check's next incident opens.
    for (const incident of change.incidents) backlog.incidents.set(incident.id, incident);
    if (change.alertingState) backlog.alertingState = change.alertingState;
    queueNotifications(options.unsaved!, alerting, change.notifications, change.mailWithoutRecipients);
  };

  /**
   * Writes the backlog, the unsaved outbox and then `change` in one transaction. When the store
   * refuses (and there is an unsaved outbox to hold the notifications), the change joins the
   * backlog, its notifications wait in memory, and it returns false; the caller mirrors the
   * decision in memory all the same. While refused, the store is tried at most every
   * STORE_RETRY_MS; changes in between go straight to the backlog.
   */
  const persist = (now: Date, change: Change): boolean => {
    if (refusal !== undefined && monotonic() - lastTryMs < STORE_RETRY_MS) {
      postpone(change);
      return false;
    }
    lastTryMs = monotonic();
    let moveUnsaved: (() => void) | undefined;
    try {
      store.transaction(() => {
        writeChange({ states: [...backlog.states], incidents: [...backlog.incidents.values()], alertingState: backlog.alertingState, ...NO_MAIL }, undefined);
        // Older than `change`'s notifications, so the rows keep the order they were decided in.
        moveUnsaved = options.unsaved !== undefined && options.unsaved.size() > 0 ? options.unsaved.drainInto(store.outbox) : undefined;
        writeChange(change, store.outbox);
      });
    } catch (error) {
      // moveUnsaved is dropped with the rolled-back transaction: the unsaved outbox keeps it all.
      // Without an unsaved outbox the notifications would be lost: fail as before, nothing mirrored.
      if (options.unsaved === undefined) throw error;
      options.onWriteRefused?.(error);
      const text = errorText(error);
      if (refusal === undefined) {
        refusal = { since: now, error: text };
        log.error({ err: error }, 'the store refuses writes; deciding in memory and trying again every few seconds');
      } else {
        log.debug({ error: text }, 'the store still refuses writes');
      }
      postpone(change);
      return false;
    }
    moveUnsaved?.();
    if (refusal !== undefined) {
      log.info(
        { since: refusal.since, states: backlog.states.size, incidents: backlog.incidents.size },
        'the store accepts writes again; everything decided meanwhile is written',
      );
      refusal = undefined;
    }
    backlog.states.clear();
    backlog.incidents.clear();
    backlog.alertingState = undefined;
    return true;
  };

  /** Writes one decision (plus an optional state) atomically, then mirrors it in memory. */
  const commit = (decision: Decision, now: Date, stateWrite?: { check: string; state: CheckState; now: Date }): void => {
    // Compared, not serialized: it holds every flapping check's timeline, and this runs after every probe.
    const stateChanged = !sameAlertingState(decision.alertingState, alertingState);
    if (stateWrite && decision.incidents.length === 0 && decision.notifications.length === 0 && !stateChanged) {
      const key = persistenceKey(stateWrite.state);
      const last = written.get(stateWrite.check);
      // A state waiting in the backlog is newer than the one written: the same key proves nothing.
      if (last && last.key === key && stateWrite.now.getTime() - last.at < STEADY_STATE_WRITE_MS && !backlog.states.has(stateWrite.check)) {
        states.set(stateWrite.check, stateWrite.state);
        return;
      }
    }
    const saved = persist(now, {
      states: stateWrite ? [[stateWrite.check, stateWrite.state]] : [],
      incidents: decision.incidents,
      notifications: decision.notifications,
      mailWithoutRecipients: true,
      alertingState: stateChanged ? decision.alertingState : undefined,
    });
    // Only after the commit: a write that failed must not count as written.
    if (stateWrite && saved) written.set(stateWrite.check, { at: stateWrite.now.getTime(), key: persistenceKey(stateWrite.state) });
    if (stateWrite) states.set(stateWrite.check, stateWrite.state);
    const regraded = decision.incidents.some((incident) => {
      const before = open.get(incident.check);
      return (
        before?.id !== incident.id ||
        incident.resolvedAt !== undefined ||
        before.severity !== incident.severity ||
        before.announced !== incident.announced ||
        // A flapping episode starting or ending changes the metric, the badge and the alert's annotation.
        isFlapping(before) !== isFlapping(incident)
      );
    });
    for (const incident of decision.incidents) {
      if (incident.resolvedAt === undefined) open.set(incident.check, incident);
      else if (open.get(incident.check)?.id === incident.id) open.delete(incident.check);
    }
    alertingState = decision.alertingState;
    for (const incident of decision.incidents) logIncident(log, incident);
    if (decision.notifications.length > 0) options.onQueued?.(decision.notifications);
    if (regraded) options.onIncidentsChanged?.();
  };

  return {
    states,
    openIncidents: () => [...open.values()],

    decide(check, state, result, change, now) {
      if (!checks.has(check.name)) return undefined;
      // The rules read the new state from `states`; it is put back before returning, so only
      // record() changes the picture, and only once its transaction has committed.
      const before = states.get(check.name);
      states.set(check.name, state);
      try {
        const decision = decideOnResult(check.name, result, change, view(now));
        // Told whatever the status: a cut-over that stays green is still news to the duty team.
        const moved = backendChangeNotification(alerting, check, before?.backend, state.backend, now);
        return moved === undefined ? decision : { ...decision, notifications: [...decision.notifications, moved] };
      } finally {
        if (before === undefined) states.delete(check.name);
        else states.set(check.name, before);
      }
    },

    record(check, state, decision, now) {
      // A run that outlived a reload removing its check: keep the state out of the picture.
      if (decision === undefined || !checks.has(check.name)) return;
      commit(decision, now, { check: check.name, state, now });
    },

    tick(now) {
      const decision = decideOnTick(view(now));
      // Compared, not serialized: it holds every flapping check's timeline, and this runs after every probe.
      const stateChanged = !sameAlertingState(decision.alertingState, alertingState);
      if (decision.incidents.length > 0 || decision.notifications.length > 0 || stateChanged) commit(decision, now);
      // Nothing new to write, yet the store may take what it refused before.
      else if (refusal !== undefined && monotonic() - lastTryMs >= STORE_RETRY_MS) {
        persist(now, { states: [], incidents: [], ...NO_MAIL });
      }
      const escalated = options.escalator?.tick(now, [...open.values()], alerting, options.wall?.()) ?? [];
      if (escalated.length > 0) options.onQueued?.(escalated);
    },

    configure(nextAlerting, nextChecks, now) {
      alerting = nextAlerting;
      checks = toCheckAlerting(nextChecks);
      const orphans = [...open.values()].filter((incident) => !checks.has(incident.check));
      for (const name of [...states.keys()]) {
        if (!checks.has(name)) {
          states.delete(name);
          written.delete(name);
        }
      }
      if (orphans.length === 0) return;
      // An announced incident's thread must end; one never announced ends quietly.
      const closed = orphans.map((incident): Incident => ({
        ...incident,
        resolvedAt: now,
        lastMessage: `${incident.lastMessage} (check removed from the configuration)`,
        // The note about the removal has no code yet: the text (with the note) is what mails show.
        lastDetail: undefined,
      }));
      const notifications: Notification[] = closed
        .filter((incident) => incident.announced)
        .map((incident) => ({
          type: 'resolved',
          incident,
          riders: [],
          to: ordinaryRecipients(alerting, incident.check, incident.system, now),
          createdAt: now,
        }));
      persist(now, {
        states: orphans.map((incident) => [incident.check, undefined]),
        incidents: closed,
        notifications,
        mailWithoutRecipients: false,
      });
      for (const incident of closed) open.delete(incident.check);
      log.info({ checks: closed.map((incident) => incident.check) }, 'incidents of removed checks closed');
      if (notifications.length > 0) options.onQueued?.(notifications);
      options.onIncidentsChanged?.();
    },

    storeRefusal() {
      if (refusal === undefined) return undefined;
      return { ...refusal, unsaved: backlog.states.size + backlog.incidents.size + (options.unsaved?.size() ?? 0) };
    },
  };
}

/** A mail row (`mailWithoutRecipients`: even to nobody, as the rules queue it) and a row per named channel its routes reach. */
function queueNotifications(queue: Queue, alerting: AlertingConfig, notifications: readonly Notification[], mailWithoutRecipients: boolean): void {
  for (const notification of notifications) {
    if (mailWithoutRecipients || notification.to.length > 0) queue.enqueue('email', notification, routeKey(notification.to));
    enqueueOnNamedChannels(queue, alerting, notification);
  }
}

/** "SQLITE_FULL: database or disk is full" (the store's code, then its words). */
function errorText(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
}

function toCheckAlerting(checks: readonly Check[]): Map<string, CheckAlerting> {
  return new Map(
    checks.map((check) => [
      check.name,
      {
        system: check.system,
        policy: { alertOn: check.alertOn, dependsOn: check.dependsOn, ...(check.flapping === undefined ? {} : { flapping: check.flapping }) },
      },
    ]),
  );
}

function loadAlertingState(store: Store, log: Logger): AlertingState {
  const text = store.meta.get<string>(ALERTING_STATE_KEY);
  if (text === undefined) return initialAlertingState();
  try {
    return parseAlertingState(text);
  } catch (error) {
    log.warn({ err: error }, 'stored alerting state unreadable; starting from a clean one');
    return initialAlertingState();
  }
}

function logIncident(log: Logger, incident: Incident): void {
  const fields = { incident: incident.id, check: incident.check, system: incident.system, severity: incident.severity, reason: incident.lastReason };
  if (incident.resolvedAt !== undefined) log.info({ ...fields, openedAt: incident.openedAt, resolvedAt: incident.resolvedAt }, 'incident resolved');
  else if (incident.probes <= 1) log.info({ ...fields, message: incident.firstMessage }, 'incident opened');
}

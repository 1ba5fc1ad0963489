// Keeps the daemon's picture of checks and incidents, and writes every change to the store in ONE
// transaction with the notifications it causes: check state, incident rows, outbox rows and the
// alerting state commit together or not at all. That is the "nothing lost, nothing twice" rule.
// The rules themselves are pure (state/incidents.ts); this module only feeds and persists them.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Notification } from '../state/notification.ts';
import type { AlertingConfig } from '../config/alerting-config.ts';
import type { Check } from '../config/config.ts';
import { carriedSync, type ProbeResult } from '../probes/probe.ts';
import type { Store } from '../store/store.ts';
import { initialAlertingState, parseAlertingState, serializeAlertingState, type AlertingState } from '../state/alerting-state.ts';
import type { CheckState, StatusChange } from '../state/check-state.ts';
import type { DeskLookup } from '../state/desk-rules.ts';
import type { Escalator } from './escalator.ts';
import { isFlapping } from '../state/flapping.ts';
import type { Incident } from '../state/incident.ts';
import { decideOnResult, decideOnTick, type AlertingView, type CheckAlerting, type Decision } from '../state/incidents.ts';
import { ordinaryRecipients, routeKey } from '../state/recipients.ts';
import { enqueueOnNamedChannels } from '../alerting/named-queue.ts';
import { backendChangeNotification } from '../state/backend-change.ts';

const ALERTING_STATE_KEY = 'alerting-state';
/** A steady check's state is rewritten at least this often, so a restart shows a recent result. */
const STEADY_STATE_WRITE_MS = 60_000;

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

  /** Writes one decision (plus an optional state) atomically, then mirrors it in memory. */
  const commit = (decision: Decision, stateWrite?: { check: string; state: CheckState; now: Date }): void => {
    const stateChanged = serializeAlertingState(decision.alertingState) !== serializeAlertingState(alertingState);
    if (stateWrite && decision.incidents.length === 0 && decision.notifications.length === 0 && !stateChanged) {
      const key = persistenceKey(stateWrite.state);
      const last = written.get(stateWrite.check);
      if (last && last.key === key && stateWrite.now.getTime() - last.at < STEADY_STATE_WRITE_MS) {
        states.set(stateWrite.check, stateWrite.state);
        return;
      }
    }
    store.transaction(() => {
      if (stateWrite) store.checkStates.save(stateWrite.check, stateWrite.state);
      for (const incident of decision.incidents) store.incidents.upsert(incident);
      for (const notification of decision.notifications) {
        store.outbox.enqueue('email', notification, routeKey(notification.to));
        enqueueOnNamedChannels(store.outbox, alerting, notification);
      }
      if (stateChanged) store.meta.set(ALERTING_STATE_KEY, serializeAlertingState(decision.alertingState));
    });
    // Only after the commit: a write that failed must not count as written.
    if (stateWrite) written.set(stateWrite.check, { at: stateWrite.now.getTime(), key: persistenceKey(stateWrite.state) });
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
      commit(decision, { check: check.name, state, now });
    },

    tick(now) {
      const decision = decideOnTick(view(now));
      const stateChanged = serializeAlertingState(decision.alertingState) !== serializeAlertingState(alertingState);
      if (decision.incidents.length > 0 || decision.notifications.length > 0 || stateChanged) commit(decision);
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
      store.transaction(() => {
        for (const incident of closed) store.incidents.upsert(incident);
        for (const name of orphans.map((incident) => incident.check)) store.checkStates.remove(name);
        for (const notification of notifications) {
          if (notification.to.length > 0) store.outbox.enqueue('email', notification, routeKey(notification.to));
          enqueueOnNamedChannels(store.outbox, alerting, notification);
        }
      });
      for (const incident of closed) open.delete(incident.check);
      log.info({ checks: closed.map((incident) => incident.check) }, 'incidents of removed checks closed');
      if (notifications.length > 0) options.onQueued?.(notifications);
      options.onIncidentsChanged?.();
    },
  };
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

// Opens, holds, reminds, releases and resolves incidents, and says which mail that asks for.
// Pure: the caller passes what it knows (config, check states, open incidents, the alerting state)
// and stores the Decision in the same transaction as the check state that caused it.
//
// The policy technicians rely on:
//
// Opening and resolving
// - An incident opens when a check's (thresholded) status CHANGES to critical, or to warning for a
//   check with `alertOn: warning`. Never otherwise: after a restart the stored status equals the
//   stored incidents, so nothing opens twice.
// - It resolves when the status drops below that level (to ok, or to warning with alertOn critical)
//   and stays there for the check's `flapping.recoveryHold` (default 3m): an announced incident
//   whose check recovers is "recovering" meanwhile, and a failure within the hold continues it
//   with no mail (its changes still count towards flapping). The resolution is dated at the
//   recovery. Incidents never announced (settling) or held resolve at once.
// - Warning → critical while open: severity critical and a `reminder` at once (if it was announced
//   and is not held). Critical → warning with alertOn warning: severity warning, no mail.
// - Down time's true bounds: `failingSince` is the first failed probe of the run of failures that
//   opened the incident (the check state's failingSince), `recoveredAt` the first passing probe of
//   the run that closed it (the state's passingSince; when it closes on a warning, with alertOn
//   critical, no ok run began and the resolution's time stands). A recovering parent keeps its
//   recoveredAt while it waits for its children, and loses it if it fails again.
// - Every result of the check updates the open incident: probes, failedProbes and `last` always;
//   lastReason/lastMessage only on failing results, so the resolved mail still names the failure.
//
// Mail
// - `firing` once per incident; `reminder` every repeatInterval after the last firing/reminder
//   while open, announced and not held; `resolved` when it resolves, if it was ever announced.
// - A new incident waits groupWait before its firing ("settling"), so that a cascade that arises
//   together (a parent and its children, the vantage checks and everything else) is sorted out
//   before anything is announced: children found meanwhile ride in the parent's firing, failures
//   found while the prober's network goes down become inconclusive. An incident that resolves
//   while settling gets its firing and its resolved mail together; an outage is never silent.
// - This is the ONE groupWait a firing waits: the outbox counts a firing's groupWait from the
//   incident's opening too (state/notification.ts groupWaitStartOf), so it sends it the moment it
//   is queued. The wait lives here because only here can it sort a cascade out (holds, riders,
//   inconclusive failures); the outbox could only batch mails. When the oldest incident settling
//   for a recipient set has waited groupWait, every incident settling for that set fires with it,
//   so checks that fail together still go out as one mail; one that opened later settles for less
//   than groupWait then (parents and vantage checks should fail no later than their dependents).
// - Recipients of a check: `email.to` ∪ the `to` of every route whose match fits (system equal,
//   check glob with *). While windows with their own `to` cover the check, their `to` REPLACES
//   that. A mail with riders also goes to the riders' recipients.
//
// Holds (one at a time; the first that applies wins, in this order)
// 1. maintenance: a window without `to` covers the check. Applies to every open incident of the
//    check, announced or not: no firing and no reminders. An incident announced before the window
//    still gets its resolved mail at once, since its recipients hold the thread already.
// 2. vantage: every vantage check is critical (and there is one), and this is not a vantage check.
//    Only incidents not yet announced: their failure is inconclusive.
// 3. parent: a check listed in `dependsOn` has an open incident (any severity, held or not).
//    Only incidents not yet announced. The child rides in the parent's firing/reminder mails.
// - A held incident records the hold in `wasHeldBy` too, so later mails can say so.
// - When a holder ends, each incident it held is released: if another hold applies now, that one
//   takes over silently; else it fires at once (the firing's incident still shows the hold it was
//   released from, so the mail says "held since …"), or, if it was announced before the hold,
//   its reminder clock restarts (the holder's closing mail lists it).
// - An incident that resolves while held and never announced sends nothing and keeps its hold:
//   that marks it "ended under this holder, not yet mentioned". The holder's closing mail lists
//   it as a rider with its own times, and the hold is then cleared. Suppression never hides recovery.
//
// Holders ending
// - parent resolves: its `resolved` mail lists the children that ended under it; children still
//   open are released. A parent that recovers while children it holds still fail waits up to
//   groupWait for them ("recovering"): children that recover meanwhile are listed in its resolved
//   mail; those still failing then are released and fire. The resolution is dated when the parent
//   recovered; a parent that fails again while recovering simply stays open (no mail). A parent that was itself never announced hands the children that ended
//   under it to its own holder, whose closing mail then lists them.
// - vantage: on going down, one `vantage_down` (to email.to; riders = the vantage checks' open
//   incidents). On coming back, one `vantage_up` (email.to ∪ the riders' recipients) listing every
//   incident held as inconclusive, open or ended; the open ones are released. These two mails go
//   out even if a window covers the vantage checks: they speak about the prober, not a system.
//   The network counts as back as soon as one vantage check is no longer critical. Failures
//   announced before it went down stay as they are, so vantage checks should fail no later than
//   groupWait after the others (short interval, low failureThreshold).
// - maintenance window ends: its held incidents are released, then ONE `maintenance_end` to
//   email.to ∪ the window's `to` ∪ the riders' recipients, whose riders are every covered
//   incident still open and every incident that ended held by the window. It is sent only when it
//   has riders: a window with no incident at all stays silent; one whose incidents all ended
//   reads "all clear". Incidents announced to a window's own `to` are not repeated as ended riders.
//
// The duty desk (desk-rules.ts, through AlertingView.desk)
// - An acknowledged incident gets no reminders and no escalation reminder; everything else about it
//   (holds, riders, its resolved mail) is unchanged.
// - While a silence names its check or system, an incident's firing, reminder and resolved mails
//   are not queued; the incident is announced and its reminder clock runs as if they were, so the
//   first mail after the silence expires is the next reminder (or the resolved mail).
//
// Flapping (flapping.ts: what a change is, when an episode starts and ends)
// - Each change of a check into or out of alerting is remembered in AlertingState for one window.
//   The changes up to the threshold are mailed as always (firing, resolved after the recovery
//   hold): nobody can tell yet. Bounces within the hold stay one incident, so a check flipping
//   every minute gives one firing, then the notice, then one resolution.
// - The change that exceeds the threshold starts an episode on the check's incident: the one open
//   then (a recovery does not resolve it), or one opened by this failure. The incident is held
//   open through every later change, follows the severity silently, and ONE `flapping` notice is
//   queued (a reply in the incident's thread when it was announced already; as its announcement
//   when not). A hold that applies (maintenance, vantage, parent) keeps the notice back as it
//   keeps a firing back; a held episode released while still flapping sends its `flapping` notice.
// - Reminders while flapping repeat the `flapping` notice every repeatInterval; an acknowledged
//   episode (its incident acknowledged at the duty desk) gets none, as any acknowledged incident.
// - The episode ends when the check has not changed for a whole window: if it is not alerting
//   then, the incident resolves (one `resolved`, recovered at its last run of passes); if it is,
//   the episode becomes an ordinary open outage announced by a `firing`, reminded as usual.
//
// An incident whose check left the config gets no reminders; it stays open until the caller
// closes it.
//
// Restart safety: what the rules remember lives in the incidents and in AlertingState; a window's
// start and end and the vantage transitions are found by comparing that state with the present.
//
// Time: every wait here (groupWait, repeatInterval, recovery hold, flapping window) is the gap
// between `now` and an instant stamped by an earlier decision, so the caller gives one clock for
// both that never steps within a run (the daemon's steady clock). Schedules (windows, roster
// shifts, desk silences) are read at `wall`, the wall clock, and follow it when it steps. A
// window's occurrence that ended is remembered (AlertingState.windowsEnded): a step back into it
// does not start it again, so its incidents are not held twice and its summary is not sent twice.
import type { AlertingConfig, FlappingRule, MaintenanceWindow } from '../config/alerting-config.ts';
import type { Notification, NotificationType } from './notification.ts';
import type { ProbeResult } from '../probes/probe.ts';
import type { AlertingState } from './alerting-state.ts';
import type { CheckState, CheckStatus, StatusChange } from './check-state.ts';
import { incidentId, type FlappingEpisode, type Hold, type Incident, type ResultSnapshot, type Severity } from './incident.ts';
import type { DeskLookup } from './desk-rules.ts';
import { exceedsFlapping, hasSettled, isFlapping, pruneFlapChanges, withFlapChange, type FlapChanges } from './flapping.ts';
import { coversCheck, findWindowTransitions, type WindowOccurrence } from './maintenance.ts';
import { checkRecipients, normalizeAddresses, ordinaryRecipients, routeKey } from './recipients.ts';

export { initialAlertingState, type AlertingState } from './alerting-state.ts';

export interface IncidentPolicy {
  readonly alertOn: 'critical' | 'warning';
  /** Parent check names. */
  readonly dependsOn: readonly string[];
  /** The check's own flapping rule; absent = alerting.flapping. */
  readonly flapping?: FlappingRule;
}

export interface CheckAlerting {
  readonly system: string;
  readonly policy: IncidentPolicy;
}

/** What the caller knows right now. */
export interface AlertingView {
  /**
   * Rule time: every wait (groupWait, repeatInterval, recovery hold, flapping window) is measured
   * from instants stamped with it. The daemon gives its steady clock (src/clock.ts), which never
   * steps within a run, so a step of the wall clock changes no wait and no duration.
   */
  readonly now: Date;
  readonly config: AlertingConfig;
  readonly checks: ReadonlyMap<string, CheckAlerting>;
  /** Every check's latest state; for decideOnResult, including the result being decided. */
  readonly states: ReadonlyMap<string, CheckState>;
  /** The open incident of each check, by check name. */
  readonly open: ReadonlyMap<string, Incident>;
  readonly alertingState: AlertingState;
  /**
   * Resolved incidents whose `hold` still names the given holder: by 'parent' with key = the
   * parent's incident id; 'vantage' with key 'vantage'; 'maintenance' with key = the window name.
   * See holdKey.
   */
  readonly resolvedRiders: (by: Hold['by'], key: string) => readonly Incident[];
  /** Acknowledgements and silences made at the duty desk; absent = none. */
  readonly desk?: DeskLookup;
  /**
   * The wall clock's reading, for schedules: maintenance windows, roster shifts and desk silences
   * follow the wall clock even when it steps. Absent = `now`.
   */
  readonly wall?: Date;
}

export interface Decision {
  /** Incidents to insert or update (open and resolved), each once, in the order they changed. */
  readonly incidents: readonly Incident[];
  readonly notifications: readonly Notification[];
  readonly alertingState: AlertingState;
}

export const VANTAGE_HOLD_NAME = 'vantage';

/** The key resolvedRiders is asked with for incidents ended under this hold. */
export function holdKey(hold: Hold): string {
  return hold.by === 'parent' ? (hold.incidentId ?? hold.name) : hold.name;
}

export function isAlerting(status: CheckStatus, alertOn: IncidentPolicy['alertOn']): boolean {
  return status === 'critical' || (status === 'warning' && alertOn === 'warning');
}

/** Every vantage check is critical, and there is at least one. */
export function isVantageDown(vantage: readonly string[], states: ReadonlyMap<string, CheckState>): boolean {
  return vantage.length > 0 && vantage.every((check) => states.get(check)?.status === 'critical');
}

export function decideOnResult(check: string, result: ProbeResult, change: StatusChange | undefined, view: AlertingView): Decision {
  const info = view.checks.get(check);
  if (info === undefined) throw new Error(`decideOnResult: check "${check}" is not in the alerting view`);
  const draft = startDraft(view);
  bringBackFromTheFuture(draft);
  advanceWindows(draft);
  // A recovery whose hold has passed resolves before this result is weighed, even if no tick came
  // between: a failure after the hold is a new outage, not the old one continued.
  finishRecoveries(draft);

  const before = draft.open.get(check);
  const incident = before && recordResult(before, result, draft.now);
  const state = view.states.get(check);
  const status = state?.status ?? change?.to;
  const alerting = status !== undefined && isAlerting(status, info.policy.alertOn);
  const changed = change !== undefined && isAlerting(change.from, info.policy.alertOn) !== isAlerting(change.to, info.policy.alertOn);
  if (changed) draft.flapChanges = withFlapChange(draft.flapChanges, check, draft.now, flappingRuleOf(draft, check));
  const startsFlapping = changed && exceedsFlapping(draft.flapChanges, check, flappingRuleOf(draft, check));
  if (isFlapping(incident)) {
    // The episode holds the incident open through every change; severity follows without mail.
    const severity = alerting && (status === 'warning' || status === 'critical') ? status : incident.severity;
    const episode = changed ? withUpRun(incident.flapping, alerting, alerting ? state?.failingSince : state?.passingSince, draft.now) : incident.flapping;
    put(draft, { ...withoutRecovery(incident), severity, flapping: { ...episode, changes: incident.flapping.changes + (changed ? 1 : 0) } });
  } else if (incident !== undefined && !alerting && startsFlapping) {
    startFlapping(draft, withoutRecovery(incident), check, state?.passingSince ?? draft.now);
  } else if (incident !== undefined) {
    if (!alerting) {
      const recoveredAt = incident.recoveredAt ?? (status === 'ok' ? state?.passingSince : undefined) ?? draft.now;
      if (
        incident.announced &&
        incident.hold === undefined &&
        (heldChildren(draft, incident).length > 0 || flappingRuleOf(draft, check).recoveryHoldSeconds > 0)
      ) {
        put(draft, { ...incident, recoveringSince: incident.recoveringSince ?? draft.now, recoveredAt });
      } else {
        put(draft, incident);
        resolveIncident(draft, withoutRecovery(incident), incident.recoveringSince, recoveredAt);
      }
    } else {
      // Failing again while recovering (the recovery hold, or a parent waiting for its children).
      const failingAgain = withoutRecovery(incident);
      if (startsFlapping) {
        startFlapping(draft, status === 'warning' || status === 'critical' ? { ...failingAgain, severity: status } : failingAgain, check);
      } else {
        put(draft, failingAgain);
        if (status === 'warning' || status === 'critical') changeSeverity(draft, failingAgain, status);
      }
    }
  } else if (alerting && change !== undefined && (status === 'warning' || status === 'critical')) {
    const opened = openIncident(check, info.system, status, result, draft.now, state?.failingSince);
    if (startsFlapping) startFlapping(draft, opened, check);
    else put(draft, opened);
  }

  advanceVantage(draft);
  finishRecoveries(draft);
  endFlapping(draft);
  settle(draft);
  return finish(draft);
}

/** Every few seconds: windows starting and ending, vantage transitions, settled firings, reminders. */
export function decideOnTick(view: AlertingView): Decision {
  const draft = startDraft(view);
  bringBackFromTheFuture(draft);
  advanceWindows(draft);
  advanceVantage(draft);
  finishRecoveries(draft);
  endFlapping(draft);
  draft.flapChanges = pruneFlapChanges(draft.flapChanges, draft.now, (check) => flappingRuleOf(draft, check));
  settle(draft);
  remind(draft);
  return finish(draft);
}

// ---- the working copy ----------------------------------------------------------------------

interface Draft {
  readonly view: AlertingView;
  readonly config: AlertingConfig;
  readonly now: Date;
  /** For schedules only (windows, roster, silences); see AlertingView.wall. */
  readonly wall: Date;
  readonly open: Map<string, Incident>;
  /** Changed incidents by id. */
  readonly changed: Map<string, Incident>;
  readonly notifications: Notification[];
  vantageDownSince: Date | undefined;
  windowsActive: Readonly<Record<string, WindowOccurrence>>;
  /** The last occurrence of each window that ended (AlertingState.windowsEnded). */
  windowsEnded: Readonly<Record<string, WindowOccurrence>>;
  flapChanges: FlapChanges;
}

function startDraft(view: AlertingView): Draft {
  return {
    view,
    config: view.config,
    now: view.now,
    wall: view.wall ?? view.now,
    open: new Map(view.open),
    changed: new Map(),
    notifications: [],
    vantageDownSince: view.alertingState.vantageDownSince,
    windowsActive: view.alertingState.windowsActive,
    windowsEnded: view.alertingState.windowsEnded ?? {},
    flapChanges: view.alertingState.flapChanges ?? {},
  };
}

function finish(draft: Draft): Decision {
  const alertingState: AlertingState = {
    ...(draft.vantageDownSince === undefined ? {} : { vantageDownSince: draft.vantageDownSince }),
    windowsActive: draft.windowsActive,
    ...(Object.keys(draft.windowsEnded).length === 0 ? {} : { windowsEnded: draft.windowsEnded }),
    ...(Object.keys(draft.flapChanges).length === 0 ? {} : { flapChanges: draft.flapChanges }),
  };
  return { incidents: [...draft.changed.values()], notifications: draft.notifications, alertingState };
}

/**
 * Within a run rule time never goes back, so an instant later than now comes from an earlier run
 * whose wall clock was ahead (stepped back since, or while stopped). Its waits would stretch by
 * the difference; read as now instead, they restart once, from this run.
 */
function bringBackFromTheFuture(draft: Draft): void {
  const nowMs = draft.now.getTime();
  const ahead = (date: Date | undefined): boolean => date !== undefined && date.getTime() > nowMs;
  for (const incident of listOpen(draft)) {
    if (!ahead(incident.openedAt) && !ahead(incident.lastNotifiedAt) && !ahead(incident.recoveringSince)) continue;
    put(draft, {
      ...incident,
      ...(ahead(incident.openedAt) ? { openedAt: draft.now } : {}),
      ...(ahead(incident.lastNotifiedAt) ? { lastNotifiedAt: draft.now } : {}),
      ...(ahead(incident.recoveringSince) ? { recoveringSince: draft.now } : {}),
    });
  }
}

function put(draft: Draft, incident: Incident): void {
  draft.changed.set(incident.id, incident);
  if (incident.resolvedAt === undefined) draft.open.set(incident.check, incident);
  else if (draft.open.get(incident.check)?.id === incident.id) draft.open.delete(incident.check);
}

function listOpen(draft: Draft): Incident[] {
  return [...draft.open.values()];
}

// ---- one check's incident ------------------------------------------------------------------

function snapshotOf(result: ProbeResult, at: Date): ResultSnapshot {
  return {
    at,
    status: result.status,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    message: result.message,
    ...(result.detail === undefined ? {} : { detail: result.detail }),
    durationSeconds: result.durationSeconds,
    phases: result.phases,
    ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
  };
}

function openIncident(check: string, system: string, severity: Severity, result: ProbeResult, now: Date, failingSince: Date = now): Incident {
  return {
    id: incidentId(check, now),
    check,
    system,
    severity,
    openedAt: now,
    failingSince,
    firstReason: result.reason,
    firstMessage: result.message,
    lastReason: result.reason,
    lastMessage: result.message,
    ...(result.detail === undefined ? {} : { firstDetail: result.detail, lastDetail: result.detail }),
    probes: 1,
    failedProbes: result.status === 'ok' ? 0 : 1,
    last: snapshotOf(result, now),
    announced: false,
  };
}

function recordResult(incident: Incident, result: ProbeResult, now: Date): Incident {
  const failed = result.status !== 'ok';
  return {
    ...incident,
    probes: incident.probes + 1,
    failedProbes: incident.failedProbes + (failed ? 1 : 0),
    last: snapshotOf(result, now),
    ...(failed ? { lastReason: result.reason, lastMessage: result.message, lastDetail: result.detail } : {}),
  };
}

function changeSeverity(draft: Draft, incident: Incident, severity: Severity): void {
  if (incident.severity === severity) return;
  const escalated = severity === 'critical';
  if (escalated && incident.announced && incident.hold === undefined && !isAcknowledged(draft, incident)) {
    const reminded = { ...incident, severity, lastNotifiedAt: draft.now };
    put(draft, reminded);
    queueIncidentMail(draft, 'reminder', reminded);
  } else {
    put(draft, { ...incident, severity });
  }
}

/** Open incidents held by this one (its dependents, still failing). */
function heldChildren(draft: Draft, incident: Incident): Incident[] {
  return listOpen(draft).filter((open) => open.hold?.by === 'parent' && open.hold.incidentId === incident.id);
}

/** recoveredAt goes too: a check that fails again did not recover then. */
function withoutRecovery(incident: Incident): Incident {
  if (incident.recoveringSince === undefined && incident.recoveredAt === undefined) return incident;
  const { recoveringSince: _settled, recoveredAt: _recovered, ...rest } = incident;
  return rest;
}

/**
 * Recovering incidents resolve once the recovery hold has passed and their held children have all
 * ended (or groupWait after recovering, when children still fail).
 */
function finishRecoveries(draft: Draft): void {
  const waitMs = draft.config.groupWaitSeconds * 1000;
  for (const incident of listOpen(draft)) {
    const since = incident.recoveringSince;
    if (since === undefined) continue;
    const recovering = draft.now.getTime() - since.getTime();
    if (recovering < flappingRuleOf(draft, incident.check).recoveryHoldSeconds * 1000) continue;
    if (heldChildren(draft, incident).length > 0 && recovering < waitMs) continue;
    resolveIncident(draft, withoutRecovery(incident), since, incident.recoveredAt);
  }
}

/**
 * `at`: when the check recovered, if earlier than now (a parent that waited for its children);
 * `recoveredAt`: its first passing probe (the resolution's time when absent).
 */
function resolveIncident(draft: Draft, incident: Incident, at?: Date, recoveredAt?: Date): void {
  const now = at ?? draft.now;
  const recovered = recoveredAt ?? now;
  const endedUnder = findResolvedRiders(draft, 'parent', incident.id);
  if (!incident.announced && incident.hold === undefined) {
    // Still settling: announce it now, so that even a short outage is mailed.
    const announced = { ...incident, announced: true, lastNotifiedAt: now };
    put(draft, announced);
    queueIncidentMail(draft, 'firing', announced);
    incident = announced;
  }
  const hold = incident.hold;
  if (incident.announced || hold === undefined) {
    const resolved: Incident = { ...withoutHold(incident), resolvedAt: now, recoveredAt: recovered };
    put(draft, resolved);
    queueIncidentMail(draft, 'resolved', resolved, endedUnder);
    for (const rider of endedUnder) put(draft, withoutHold(rider));
  } else {
    put(draft, { ...incident, resolvedAt: now, recoveredAt: recovered });
    // Children that ended under a parent nobody heard of go to the parent's own holder.
    for (const rider of endedUnder) put(draft, withHold(rider, { ...hold, since: now }));
  }
  release(
    draft,
    listOpen(draft).filter((open) => open.hold?.by === 'parent' && open.hold.incidentId === incident.id),
  );
}

// ---- flapping ------------------------------------------------------------------------------

/** The check's own rule, else alerting.flapping. */
function flappingRuleOf(draft: Draft, check: string): FlappingRule {
  return draft.view.checks.get(check)?.policy.flapping ?? draft.config.flapping;
}

/**
 * The episode takes the incident over: one `flapping` notice, unless a hold keeps it back.
 * `upSince`: the check's run of passes that began then, when a recovery started the episode.
 */
function startFlapping(draft: Draft, incident: Incident, check: string, upSince?: Date): void {
  const flapping: Incident = {
    ...incident,
    flapping: {
      since: draft.now,
      changes: draft.flapChanges[check]?.length ?? 0,
      windowSeconds: flappingRuleOf(draft, check).windowSeconds,
      ...(upSince === undefined ? {} : { up: [{ from: upSince }] }),
    },
  };
  const hold = flapping.hold ?? findHold(draft, flapping);
  if (hold !== undefined) {
    put(draft, flapping.hold === undefined ? withHold(flapping, hold) : flapping);
    return;
  }
  const announced = { ...flapping, announced: true, lastNotifiedAt: draft.now };
  put(draft, announced);
  queueIncidentMail(draft, 'flapping', announced);
}

/** A change while flapping: a run of passes ends (failing again) or begins, at the run's first probe. */
function withUpRun(episode: FlappingEpisode, failing: boolean, runSince: Date | undefined, now: Date): FlappingEpisode {
  const up = episode.up ?? [];
  const last = up.at(-1);
  if (failing)
    return last === undefined || last.to !== undefined ? episode : { ...episode, up: [...up.slice(0, -1), { from: last.from, to: runSince ?? now }] };
  return last !== undefined && last.to === undefined ? episode : { ...episode, up: [...up, { from: runSince ?? now }] };
}

/** Episodes whose check has been steady for a window end: resolved, or an ordinary outage that fires. */
function endFlapping(draft: Draft): void {
  for (const incident of listOpen(draft)) {
    const info = draft.view.checks.get(incident.check);
    if (!isFlapping(incident) || info === undefined || !hasSettled(draft.flapChanges, incident, draft.now, flappingRuleOf(draft, incident.check))) continue;
    const ended: Incident = { ...incident, flapping: { ...incident.flapping, endedAt: draft.now } };
    const state = draft.view.states.get(incident.check);
    const status = state?.status;
    if (status !== 'warning' && status !== 'critical') {
      resolveIncident(draft, ended, undefined, status === 'ok' ? state?.passingSince : undefined);
    } else if (!isAlerting(status, info.policy.alertOn)) {
      resolveIncident(draft, ended);
    } else if (ended.announced && ended.hold === undefined) {
      const fired = { ...ended, severity: status, lastNotifiedAt: draft.now };
      put(draft, fired);
      queueIncidentMail(draft, 'firing', fired);
    } else {
      // Held: its holder's end releases it as any held outage.
      put(draft, { ...ended, severity: status });
    }
  }
}

// ---- holds ---------------------------------------------------------------------------------

function withHold(incident: Incident, hold: Hold): Incident {
  const wasHeldBy = incident.wasHeldBy ?? [];
  return { ...incident, hold, wasHeldBy: wasHeldBy.includes(hold.by) ? wasHeldBy : [...wasHeldBy, hold.by] };
}

function withoutHold(incident: Incident): Incident {
  const { hold: _released, ...rest } = incident;
  return rest;
}

function activeWindowsOf(draft: Draft): MaintenanceWindow[] {
  return draft.config.maintenance.filter((window) => draft.windowsActive[window.name] !== undefined);
}

/** The hold that applies to this incident now, if any (see the policy at the top). */
function findHold(draft: Draft, incident: Incident): Hold | undefined {
  const since = draft.now;
  const silent = activeWindowsOf(draft).find((window) => window.to === undefined && coversCheck(window, incident.check));
  if (silent) return { by: 'maintenance', name: silent.name, since };
  if (incident.announced) return undefined;
  if (draft.vantageDownSince !== undefined && !draft.config.vantage.includes(incident.check)) {
    return { by: 'vantage', name: VANTAGE_HOLD_NAME, since };
  }
  for (const parent of draft.view.checks.get(incident.check)?.policy.dependsOn ?? []) {
    const parentIncident = draft.open.get(parent);
    if (parentIncident && !holdChainReaches(draft, parentIncident, incident.check)) {
      return { by: 'parent', name: parent, incidentId: parentIncident.id, since };
    }
  }
  return undefined;
}

/** Whether following parent holds from `from` leads to `check` (a hold cycle would never fire). */
function holdChainReaches(draft: Draft, from: Incident, check: string): boolean {
  let current: Incident | undefined = from;
  for (let step = 0; current !== undefined && step <= draft.open.size; step += 1) {
    if (current.check === check) return true;
    if (current.hold?.by !== 'parent') return false;
    current = draft.open.get(current.hold.name);
  }
  return current !== undefined;
}

/** Releases incidents whose holder ended; queues the firings after every hold is settled. */
function release(draft: Draft, held: readonly Incident[]): void {
  const fired: { id: string; check: string; from: Hold }[] = [];
  for (const { id, check } of held) {
    const current = draft.open.get(check);
    if (current === undefined || current.id !== id || current.hold === undefined) continue;
    const released = withoutHold(current);
    put(draft, released);
    const next = findHold(draft, released);
    if (next) put(draft, withHold(released, next));
    else if (released.announced) put(draft, { ...released, lastNotifiedAt: draft.now });
    else {
      put(draft, { ...released, announced: true, lastNotifiedAt: draft.now });
      fired.push({ id, check, from: current.hold });
    }
  }
  for (const { id, check, from } of fired) {
    const incident = draft.open.get(check);
    if (incident?.id === id) queueIncidentMail(draft, isFlapping(incident) ? 'flapping' : 'firing', { ...incident, hold: from });
  }
}

/**
 * New incidents: take a hold if one applies, else fire once they have waited groupWait. When the
 * oldest incident settling for a recipient set has waited groupWait, every incident settling for
 * that set fires with it (as Alertmanager's group_wait does): checks that fail together are
 * announced in ONE mail, and the outbox, which waits no more for a firing, sends it at once.
 */
function settle(draft: Draft): void {
  const settling: Incident[] = [];
  for (const incident of listOpen(draft)) {
    if (incident.announced || incident.hold !== undefined) continue;
    const hold = findHold(draft, incident);
    if (hold) put(draft, withHold(incident, hold));
    else settling.push(incident);
  }
  const waitMs = draft.config.groupWaitSeconds * 1000;
  const routeOf = (incident: Incident): string => routeKey(recipientsOf(draft, incident));
  const dueRoutes = new Set(settling.filter((incident) => draft.now.getTime() - incident.openedAt.getTime() >= waitMs).map(routeOf));
  const due = settling.filter((incident) => dueRoutes.has(routeOf(incident)));
  for (const incident of due) put(draft, { ...incident, announced: true, lastNotifiedAt: draft.now });
  for (const { check } of due) queueIncidentMail(draft, 'firing', draft.open.get(check)!);
}

function remind(draft: Draft): void {
  const repeatMs = draft.config.repeatIntervalSeconds * 1000;
  for (const incident of listOpen(draft)) {
    if (!incident.announced || incident.hold !== undefined || incident.recoveringSince !== undefined || !draft.view.checks.has(incident.check)) continue;
    const last = incident.lastNotifiedAt ?? incident.openedAt;
    if (draft.now.getTime() - last.getTime() < repeatMs || isAcknowledged(draft, incident)) continue;
    const reminded = { ...incident, lastNotifiedAt: draft.now };
    put(draft, reminded);
    queueIncidentMail(draft, isFlapping(reminded) ? 'flapping' : 'reminder', reminded);
  }
}

function isAcknowledged(draft: Draft, incident: Incident): boolean {
  return draft.view.desk?.acknowledged(incident.id) === true;
}

// ---- holders that come and go ---------------------------------------------------------------

function advanceVantage(draft: Draft): void {
  const { config, now } = draft;
  const down = isVantageDown(config.vantage, draft.view.states);
  if (down && draft.vantageDownSince === undefined) {
    draft.vantageDownSince = now;
    const riders = listOpen(draft).filter((incident) => config.vantage.includes(incident.check));
    queue(draft, 'vantage_down', { riders, to: normalizeAddresses(config.email.to) });
  } else if (!down && draft.vantageDownSince !== undefined) {
    draft.vantageDownSince = undefined;
    const held = listOpen(draft).filter((incident) => incident.hold?.by === 'vantage');
    const ended = findResolvedRiders(draft, 'vantage', VANTAGE_HOLD_NAME);
    const riders = [...held, ...ended];
    queue(draft, 'vantage_up', { riders, to: mergeRecipients(draft, config.email.to, riders, ordinaryRecipientsOf) });
    for (const rider of ended) put(draft, withoutHold(rider));
    release(draft, held);
  }
}

function advanceWindows(draft: Draft): void {
  const transitions = findWindowTransitions(draft.config.maintenance, draft.windowsActive, draft.wall, draft.windowsEnded);
  // Remember the new set first: incidents released below see only the windows still running.
  draft.windowsActive = transitions.active;
  if (transitions.ended.length > 0) {
    const configured = new Set(draft.config.maintenance.map((window) => window.name));
    const ended = { ...draft.windowsEnded, ...Object.fromEntries(transitions.ended.map(({ name, occurrence }) => [name, occurrence])) };
    draft.windowsEnded = Object.fromEntries(Object.entries(ended).filter(([name]) => configured.has(name)));
  }
  for (const { name, window } of transitions.ended) endWindow(draft, name, window);
  for (const { window } of transitions.started) {
    if (window.to !== undefined) continue;
    for (const incident of listOpen(draft)) {
      if (coversCheck(window, incident.check) && incident.hold?.by !== 'maintenance') {
        put(draft, withHold(incident, { by: 'maintenance', name: window.name, since: draft.now }));
      }
    }
  }
}

/** `window` is absent when the window left the config while it was running. */
function endWindow(draft: Draft, name: string, window: MaintenanceWindow | undefined): void {
  const held = listOpen(draft).filter((incident) => incident.hold?.by === 'maintenance' && incident.hold.name === name);
  const heldIds = new Set(held.map((incident) => incident.id));
  // The summary is queued before the firings it explains.
  const notificationsBefore = draft.notifications.length;
  release(draft, held);
  const firings = draft.notifications.splice(notificationsBefore);

  const stillOpen = listOpen(draft).filter((incident) => (window ? coversCheck(window, incident.check) : heldIds.has(incident.id)));
  for (const incident of stillOpen) {
    // The summary lists them: the next reminder is due repeatInterval after it.
    if (incident.announced && incident.hold === undefined) put(draft, { ...incident, lastNotifiedAt: draft.now });
  }
  const ended = findResolvedRiders(draft, 'maintenance', name);
  const riders = [...stillOpen.map((incident) => draft.open.get(incident.check) ?? incident), ...ended];
  for (const rider of ended) put(draft, withoutHold(rider));
  if (riders.length > 0) {
    const to = mergeRecipients(draft, [...draft.config.email.to, ...(window?.to ?? [])], riders, ordinaryRecipientsOf);
    queue(draft, 'maintenance_end', { riders, to, window: name });
  }
  draft.notifications.push(...firings);
}

// ---- recipients and notifications ------------------------------------------------------------

function ordinaryRecipientsOf(draft: Draft, incident: Incident): string[] {
  return ordinaryRecipients(draft.config, incident.check, incident.system, draft.wall);
}

/** A window's own `to` replaces the ordinary recipients while it covers the check. */
function recipientsOf(draft: Draft, incident: Incident): string[] {
  return checkRecipients(draft.config, activeWindowsOf(draft), incident.check, incident.system, draft.wall);
}

function mergeRecipients(draft: Draft, base: readonly string[], riders: readonly Incident[], of: (draft: Draft, incident: Incident) => string[]): string[] {
  return normalizeAddresses([...base, ...riders.flatMap((rider) => of(draft, rider))]);
}

/** firing/reminder carry the children held by the incident; resolved carries those that ended under it. */
function queueIncidentMail(
  draft: Draft,
  type: 'firing' | 'reminder' | 'resolved' | 'flapping',
  incident: Incident,
  endedUnder: readonly Incident[] = [],
): void {
  if (draft.view.desk?.silenced(incident.check, incident.system, draft.wall) === true) return;
  const riders = type === 'resolved' ? endedUnder : listOpen(draft).filter((open) => open.hold?.by === 'parent' && open.hold.incidentId === incident.id);
  const to = mergeRecipients(draft, recipientsOf(draft, incident), riders, recipientsOf);
  queue(draft, type, { incident, riders, to });
}

/** Riders in the order they began, so a mail reads as a timeline. */
function queue(draft: Draft, type: NotificationType, fields: Omit<Notification, 'type' | 'createdAt'>): void {
  const riders = [...fields.riders].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || a.check.localeCompare(b.check));
  draft.notifications.push({ type, ...fields, riders, createdAt: draft.now });
}

/** The store's answer, with this decision's own changes applied. */
function findResolvedRiders(draft: Draft, by: Hold['by'], key: string): Incident[] {
  const matches = (incident: Incident): boolean => incident.resolvedAt !== undefined && incident.hold?.by === by && holdKey(incident.hold) === key;
  const stored = draft.view.resolvedRiders(by, key).map((incident) => draft.changed.get(incident.id) ?? incident);
  const storedIds = new Set(stored.map((incident) => incident.id));
  const fresh = [...draft.changed.values()].filter((incident) => !storedIds.has(incident.id));
  return [...stored, ...fresh].filter(matches);
}

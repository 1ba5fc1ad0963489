// How the desk's records change the incident rules. Pure.
// - An acknowledged incident gets no reminders and no escalation mail (incidents.ts asks
//   DeskLookup.acknowledged only when one would be due).
// - A silence mutes an incident's firing, reminder and resolved mails (and its alert in
//   Alertmanager) while in force; probes and incidents go on as usual.
// - A maintenance window opened through the API is handed to the rules as one more configured
//   window (absolute, from its start to its end or planned end), so it holds and releases
//   incidents, and shows, exactly as a configured one does.
import type { AlertingConfig, MaintenanceWindow } from '../config/alerting-config.ts';
import type { MaintenanceRecord } from './desk-records.ts';

/** What the incident rules ask of the desk. */
export interface DeskLookup {
  acknowledged(incidentId: string): boolean;
  /** A silence in force at `now` names this check or this system. */
  silenced(check: string, system: string, now: Date): boolean;
}

/** Far enough to be "until ended through the API" without overflowing a Date. */
const OPEN_ENDED = new Date(Date.UTC(9999, 0, 1));

/**
 * The API's windows as configured windows. A window naming systems covers the checks of those
 * systems as they are configured now; one naming neither checks nor systems covers every check.
 * Its name is kept unless a configured window has it already.
 */
export function deskWindows(
  records: readonly MaintenanceRecord[],
  checks: readonly { readonly name: string; readonly system: string }[],
  configured: readonly MaintenanceWindow[],
): MaintenanceWindow[] {
  const taken = new Set(configured.map((window) => window.name));
  return records.map((record) => {
    const bySystem = checks.filter((check) => record.systems.includes(check.system)).map((check) => check.name);
    const names = [...record.checks, ...bySystem];
    // A window naming only systems that have no check now must cover nothing, not everything.
    const covered = names.length === 0 && record.systems.length > 0 ? [NO_CHECK] : names;
    const name = taken.has(record.name) ? `${record.name} (${record.id})` : record.name;
    taken.add(name);
    return { kind: 'absolute', name, checks: covered, start: record.startedAt, end: record.endedAt ?? record.until ?? OPEN_ENDED };
  });
}

/** A pattern no check name matches (names are config keys, never control characters). */
const NO_CHECK = '\u0000';

/** The alerting config the rules and the ticker see: the configured windows and the API's. */
export function withDeskWindows(
  alerting: AlertingConfig,
  records: readonly MaintenanceRecord[],
  checks: readonly { readonly name: string; readonly system: string }[],
): AlertingConfig {
  if (records.length === 0) return alerting;
  return { ...alerting, maintenance: [...alerting.maintenance, ...deskWindows(records, checks, alerting.maintenance)] };
}

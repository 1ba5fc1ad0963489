// Who is told: the one address normaliser, the route key the outbox groups and orders by, and the
// recipients of a check (email.to ∪ matching routes, or a window's own `to`) and of a notice.
// Routes may name `onDuty` or an organisation of the roster, resolved when the mail is queued.
// Pure; every place that compares or de-duplicates addresses goes through normalizeAddress.
import type { AlertingConfig, MaintenanceWindow } from '../config/alerting-config.ts';
import { ON_DUTY, isAddressTarget, type Roster } from '../config/roster-config.ts';
import { coversCheck, matchesCheckPattern } from './maintenance.ts';
import { onDutyAt, organisationContacts } from './roster.ts';
import type { NoticeKind } from './notification.ts';

/** The one way two addresses are compared: trimmed, lower-cased ("TrucBan@AnGiang.gov.vn " = "trucban@angiang.gov.vn"). */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** Normalised, de-duplicated, without empties, sorted. */
export function normalizeAddresses(addresses: readonly string[]): string[] {
  return [...new Set(addresses.map(normalizeAddress))].filter((address) => address !== '').sort();
}

/** The outbox groups and orders per route; a route is one recipient set. */
export function routeKey(to: readonly string[]): string {
  return normalizeAddresses(to).join(',');
}

/** The email routes whose match (system equal, check glob with *) covers the check. */
export function matchingRoutes(routes: AlertingConfig['email']['routes'], check: string, system: string): AlertingConfig['email']['routes'] {
  return routes.filter(
    ({ match }) => (match.system === undefined || match.system === system) && (match.check === undefined || matchesCheckPattern(match.check, check)),
  );
}

/**
 * email.to ∪ the to of every matching route. A route's `onDuty` is the mail of the people on duty
 * at `at`, an organisation's name the mail of its focal points and of its people then on duty.
 */
export function ordinaryRecipients(config: AlertingConfig, check: string, system: string, at: Date): string[] {
  const targets = matchingRoutes(config.email.routes, check, system).flatMap((route) => route.to);
  return normalizeAddresses([...config.email.to, ...rosterMail(targets, config.roster, at)]);
}

/** The organisations of the roster the check's routes tell (§7c: several units at once), in route order. */
export function organisationsTold(routes: AlertingConfig['email']['routes'], roster: Roster | undefined, check: string, system: string): string[] {
  const known = new Set((roster?.organisations ?? []).map((organisation) => organisation.name));
  return [...new Set(matchingRoutes(routes, check, system).flatMap((route) => route.to.filter((target) => known.has(target))))];
}

/** Addresses as they are; `onDuty` and organisations as the mail of their people at `at`. */
function rosterMail(targets: readonly string[], roster: Roster | undefined, at: Date): string[] {
  return targets.flatMap((target) => {
    if (isAddressTarget(target)) return [target];
    const people = target === ON_DUTY ? onDutyAt(roster, at) : organisationContacts(roster, target, at);
    return people.flatMap((person) => (person.email === undefined ? [] : [person.email]));
  });
}

/** While windows with their own `to` cover the check, their `to` replaces the ordinary recipients. */
export function checkRecipients(config: AlertingConfig, activeWindows: readonly MaintenanceWindow[], check: string, system: string, at: Date): string[] {
  const windows = activeWindows.filter((window) => window.to !== undefined && coversCheck(window, check));
  return windows.length > 0 ? normalizeAddresses(windows.flatMap((window) => window.to ?? [])) : ordinaryRecipients(config, check, system, at);
}

/**
 * Notices go to email.to, whatever their kind. The kind is passed so that routing by kind, when the
 * config grows a key for it, changes this function only.
 */
export function noticeRecipients(config: AlertingConfig, _kind: NoticeKind): string[] {
  return normalizeAddresses(config.email.to);
}

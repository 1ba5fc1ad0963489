// Who is told: the one address normaliser, the route key the outbox groups and orders by, and the
// recipients of a check (email.to ∪ matching routes, or a window's own `to`) and of a notice.
// Pure; every place that compares or de-duplicates addresses goes through normalizeAddress.
import type { AlertingConfig, MaintenanceWindow } from '../config/alerting-config.ts';
import { coversCheck, matchesCheckPattern } from './maintenance.ts';
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

/** email.to ∪ the to of every matching route (system equal, check glob with *). */
export function ordinaryRecipients(config: AlertingConfig, check: string, system: string): string[] {
  const routes = config.email.routes.filter(
    ({ match }) => (match.system === undefined || match.system === system) && (match.check === undefined || matchesCheckPattern(match.check, check)),
  );
  return normalizeAddresses([...config.email.to, ...routes.flatMap((route) => route.to)]);
}

/** While windows with their own `to` cover the check, their `to` replaces the ordinary recipients. */
export function checkRecipients(config: AlertingConfig, activeWindows: readonly MaintenanceWindow[], check: string, system: string): string[] {
  const windows = activeWindows.filter((window) => window.to !== undefined && coversCheck(window, check));
  return windows.length > 0 ? normalizeAddresses(windows.flatMap((window) => window.to ?? [])) : ordinaryRecipients(config, check, system);
}

/**
 * Notices go to email.to, whatever their kind. The kind is passed so that routing by kind, when the
 * config grows a key for it, changes this function only.
 */
export function noticeRecipients(config: AlertingConfig, _kind: NoticeKind): string[] {
  return normalizeAddresses(config.email.to);
}

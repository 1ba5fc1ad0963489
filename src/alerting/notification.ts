// What the incident rules ask to be sent, and what a channel delivers. A notification is queued
// in the outbox in the same transaction as the state change that caused it.
import type { Incident } from '../state/incident.ts';

export type NotificationType =
  | 'firing' // an incident opened (or was released from a hold while still open)
  | 'reminder' // still open after repeatInterval; also sent at once when a warning escalates to critical
  | 'resolved' // an incident ended; riders list children / held incidents that ended under it
  | 'vantage_down' // every vantage check fails: the prober's own network is down
  | 'vantage_up' // the prober's network is back; riders list what failed meanwhile
  | 'maintenance_end' // a window ended; riders list what is still down
  | 'test'; // `dvc-sentinel test-email`

export interface Notification {
  readonly type: NotificationType;
  /** The incident this is about (absent for vantage/maintenance/test notifications). */
  readonly incident?: Incident;
  /** Incidents that ride along: inhibited children, inconclusive failures, still-down checks. */
  readonly riders: readonly Incident[];
  /** Who gets it: sorted, de-duplicated e-mail addresses. */
  readonly to: readonly string[];
  readonly createdAt: Date;
  /** A maintenance window's name, for maintenance_end and window-routed mail. */
  readonly window?: string;
}

/** The outbox groups and orders per route; a route is one recipient set. */
export function routeKey(to: readonly string[]): string {
  return [...new Set(to.map((address) => address.trim().toLowerCase()))].sort().join(',');
}

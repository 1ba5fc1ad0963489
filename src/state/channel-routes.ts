// Which named channels (webhook, Zalo, SMS) receive a notification, with which targets, on which
// outbox route: the named-channel counterpart of recipients.ts. Pure: the config and the
// notification in, the list out; the caller queues one outbox row per entry.
//
// - A route matches when every field it gives matches: system, check (glob with *), severity,
//   maintenance window (the window the notification speaks for). A notification with no such
//   field (a vantage or maintenance notice has no check) matches no route naming it.
// - A channel without routes receives every notification, EXCEPT a channel an escalation step
//   names: with no route it receives only the escalations addressed to it.
// - Targets: the union over the matching routes of their `to`, or the channel's own targets for a
//   route without `to` (and for a channel without routes); one entry (outbox row) per target.
// - Reports go by email only; what the desk did goes by email in the incident's thread and to the
//   webhooks whose routes take the incident (not to Zalo or SMS); notices about the monitor go to
//   every channel with its own targets, routes or not (it concerns them all).
import { namedChannels, type AlertingConfig, type ChannelMatch, type NamedChannelConfig } from '../config/alerting-config.ts';
import { matchesCheckPattern } from '../config/check-pattern.ts';
import type { Notification } from './notification.ts';

export interface ChannelDelivery {
  /** The configured channel name: the outbox channel and the metrics label. */
  readonly channel: string;
  /** One chat id or phone number; empty for a webhook (its URL is its target). */
  readonly targets: readonly string[];
  /** The outbox route: one per target set, so each set keeps its own order and batches. */
  readonly route: string;
}

/** Notification types that never go to a named channel. */
const EMAIL_ONLY = new Set<Notification['type']>(['report', 'test']);

/**
 * Where `notification` goes among the named channels. `escalationNamed` holds the names of the
 * channels an escalation step names (empty while no escalation is configured).
 */
export function channelDeliveries(
  notification: Notification,
  alerting: Pick<AlertingConfig, 'webhooks' | 'zalo' | 'sms'>,
  escalationNamed: ReadonlySet<string> = new Set(),
): ChannelDelivery[] {
  if (EMAIL_ONLY.has(notification.type)) return [];
  const deliveries: ChannelDelivery[] = [];
  for (const channel of namedChannels(alerting)) {
    // What the desk did follows the incident into a ticketing system; a phone or a chat would only ring for it.
    if (notification.type === 'desk' && channel.kind !== 'webhook') continue;
    const targets = targetsFor(notification, channel, escalationNamed.has(channel.name));
    if (targets === undefined) continue;
    deliveries.push(...deliveriesTo(channel, targets));
  }
  return deliveries;
}

/** The outbox route of a target set. */
/**
 * The outbox rows for a channel and its targets: one for a webhook; one per target otherwise, so
 * that each chat or phone keeps its own order and a retry never repeats a text to another.
 */
export function deliveriesTo(channel: NamedChannelConfig, targets: readonly string[]): ChannelDelivery[] {
  if (channel.kind === 'webhook') return [{ channel: channel.name, targets: [], route: channelRouteKey([]) }];
  return normalize(targets).map((target) => ({ channel: channel.name, targets: [target], route: channelRouteKey([target]) }));
}

function channelRouteKey(targets: readonly string[]): string {
  return `to:${targets.join(',')}`;
}

/** The channel's own targets (Zalo chat ids, SMS numbers); a webhook has none. */
export function defaultTargets(channel: NamedChannelConfig): readonly string[] {
  if (channel.kind === 'zalo') return channel.chatIds;
  const own = (channel as { readonly to?: unknown }).to;
  return Array.isArray(own) ? own.filter((target): target is string => typeof target === 'string') : [];
}

/** undefined: the channel does not receive it. */
function targetsFor(notification: Notification, channel: NamedChannelConfig, escalationNamed: boolean): string[] | undefined {
  const own = defaultTargets(channel);
  if (notification.type === 'notice') return normalize(own);
  if (channel.routes.length === 0) return escalationNamed ? undefined : normalize(own);
  const matching = channel.routes.filter((route) => routeMatches(route.match, notification));
  if (matching.length === 0) return undefined;
  return normalize(matching.flatMap((route) => route.to ?? own));
}

function routeMatches(match: ChannelMatch, notification: Notification): boolean {
  const incident = notification.incident;
  const hold = incident?.hold;
  const window = notification.window ?? (hold?.by === 'maintenance' ? hold.name : undefined);
  // A server change belongs to its check as an incident does.
  const about = incident ?? notification.backend;
  return (
    (match.system === undefined || about?.system === match.system) &&
    (match.check === undefined || (about !== undefined && matchesCheckPattern(match.check, about.check))) &&
    (match.severity === undefined || incident?.severity === match.severity) &&
    (match.maintenance === undefined || window === match.maintenance)
  );
}

function normalize(targets: readonly string[]): string[] {
  return [...new Set(targets.map((target) => target.trim()).filter((target) => target !== ''))].sort();
}

// Queues a notification on the named channels (webhook, Zalo, SMS) its routes send it to: one
// outbox row per channel, carrying that channel's targets in `to`. Called inside the transaction
// that queues the mail, so a state change and everything it tells commit together.
import type { AlertingConfig } from '../config/alerting-config.ts';
import { escalationOnlyCandidates } from '../config/roster-config.ts';
import { channelDeliveries } from '../state/channel-routes.ts';
import type { Notification } from '../state/notification.ts';
import type { Store } from '../store/store.ts';

/**
 * Returns the outbox row ids. A channel an escalation step names, with no route of its own, receives
 * only its escalations. `except` leaves channels out (the one a self-alert is about).
 */
export function enqueueOnNamedChannels(
  outbox: Pick<Store['outbox'], 'enqueue'>,
  alerting: AlertingConfig,
  notification: Notification,
  except: ReadonlySet<string> = new Set(),
): number[] {
  return channelDeliveries(notification, alerting, escalationOnlyCandidates(alerting))
    .filter((delivery) => !except.has(delivery.channel))
    .map((delivery) => outbox.enqueue(delivery.channel, { ...notification, to: delivery.targets }, delivery.route));
}

// The channels the outbox delivers on, built from the alerting config: the one list. A new channel
// is its own file in this folder (implementing ../channel.ts), its config schema, and one entry
// here (and its name in ../channel.ts configuredChannels, which a test holds equal to this list).
import { namedChannels, type AlertingConfig, type NamedChannelConfig } from '../../config/alerting-config.ts';
import type { Logger } from '../../log.ts';
import { createAlertmanagerChannel } from './alertmanager.ts';
import type { DeliveryChannel } from '../channel.ts';
import { createEmailChannel, createMailSender } from './email.ts';
import { createWebhookChannel } from './webhook.ts';
import { createZaloChannel } from './zalo.ts';
import { createSmsChannel } from './sms.ts';

export interface ChannelsOptions {
  readonly alerting: AlertingConfig;
  /** The prober's location label (mail footers, alert labels). */
  readonly location?: string;
  readonly log: Logger;
  readonly systemNames?: Readonly<Record<string, string>>;
}

/** Email always (SMTP, or .eml files without smtp); Alertmanager when it has URLs; then every webhook and Zalo channel by name. */
export function createChannels(options: ChannelsOptions): DeliveryChannel[] {
  const { alerting, location, log } = options;
  const sender = createMailSender({ smtp: alerting.email.smtp, from: alerting.email.from, outboxDir: alerting.email.outboxDir, log });
  const channels: DeliveryChannel[] = [createEmailChannel({ sender, alerting, location, log, systemNames: options.systemNames })];
  if (alerting.alertmanager) {
    const { urls, resendIntervalSeconds, timeoutSeconds } = alerting.alertmanager;
    channels.push(createAlertmanagerChannel({ urls, resendIntervalSeconds, timeoutSeconds, locale: alerting.locale, location, links: alerting.links }));
  }
  for (const config of namedChannels(alerting)) channels.push(createNamedChannel(config, options));
  return channels;
}

/** One webhook, Zalo or SMS channel by its config (also what `test-notify` sends through). */
export function createNamedChannel(config: NamedChannelConfig, options: Omit<ChannelsOptions, 'log'>): DeliveryChannel {
  const { alerting } = options;
  if (config.kind === 'webhook') return createWebhookChannel({ config, links: alerting.links });
  if (config.kind === 'sms')
    return createSmsChannel({
      config,
      locale: alerting.locale,
      statusPage: alerting.links.statusPage,
      // The routing put each row's phone numbers in its notifications' `to`.
      recipients: (batch) => [...new Set(batch.flatMap((notification) => notification.to))],
    });
  return createZaloChannel({ config, locale: alerting.locale, links: alerting.links, ...(options.systemNames ? { systemNames: options.systemNames } : {}) });
}

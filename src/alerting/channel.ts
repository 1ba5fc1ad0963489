// The one door between the outbox and a way of telling people. The outbox owns grouping, order per
// route, freezing, retries and the delivery marks; a channel only knows its own medium: how a batch
// of notifications reads there (render), how a frozen delivery goes out (send), and whether a
// failure is worth another try (classify). A new channel is one file in channels/ implementing
// this, its config schema, and its entry in channels/registry.ts; the outbox and the store do not
// change. (channels/ import from here, never the other way: alerting is the base they build on.)
import { namedChannels, type AlertingConfig } from '../config/alerting-config.ts';
import type { Notification, NotificationType } from '../state/notification.ts';

/** The `channel` label of dvc_notifications_total / dvc_notifications_queued, and the store's channel column: "email", "alertmanager". */
export type ChannelName = string;

/**
 * What a failed attempt leads to: another attempt after the backoff, or none (the delivery is
 * closed as failed). auth: none either, but the credentials were refused, so a reload that changes
 * them opens the delivery again.
 */
export type FailureVerdict = 'retry' | 'give_up' | 'auth';

/** A recipient's refusal and the server's words for it ("451 4.7.1 Try again later"). */
export interface RecipientRefusal {
  readonly address: string;
  readonly response: string;
}

/**
 * What the recipients of one attempt answered, for a medium that answers per recipient (SMTP):
 * deferred ones (4xx) are tried again alone, refused ones (5xx) are given up.
 */
export interface RecipientAnswers {
  readonly accepted: readonly string[];
  readonly deferred: readonly RecipientRefusal[];
  readonly refused: readonly RecipientRefusal[];
}

/** send() resolves with log fields of the receipt, and, for a per-recipient medium, the answers. */
export type SendReceipt = Readonly<Record<string, unknown>> & { readonly recipients?: RecipientAnswers };

/** Every frozen delivery carries these, whatever the channel: the outbox reads them after a restart. */
export interface FrozenContent {
  readonly version: number;
  /** The type of each notification it carries, for dvc_notifications_total. */
  readonly types: readonly NotificationType[];
}

export interface RenderContext {
  readonly now: Date;
  /** Unique per delivery and never reused (the first outbox row id); a seed for the delivery's id. */
  readonly seed: number;
}

export interface Rendered<C extends FrozenContent> {
  /** Stored with the delivery and sent unchanged on every attempt (Message-ID for mail). */
  readonly id: string;
  /** JSON-representable; frozen in the store BEFORE the first attempt, never rendered again. */
  readonly content: C;
}

export interface FrozenDelivery<C extends FrozenContent> {
  /** The store's delivery id. */
  readonly deliveryId: number;
  readonly id: string;
  readonly content: C;
  /** The recipients still to try, when an earlier attempt was answered per recipient; absent = all of them. */
  readonly pending?: readonly string[];
}

export interface DeliveryChannel<C extends FrozenContent = FrozenContent> {
  readonly name: ChannelName;
  /** How logs name one delivery: "mail", "alertmanager post". */
  readonly noun: string;
  /** Where it goes, for logs: "smtp mail.example:587". */
  readonly target: string;
  /** One delivery for a batch of one route's notifications. Throws only on a batch it cannot render (a bug). */
  render(batch: readonly Notification[], context: RenderContext): Rendered<C>;
  /** Stored content back; undefined when it cannot be read (written by a newer version, damaged). */
  read(content: unknown): C | undefined;
  /** Rejects when the delivery did not happen; resolves with log fields of the receipt (and per-recipient answers). */
  send(delivery: FrozenDelivery<C>): Promise<SendReceipt>;
  classify(error: unknown): FailureVerdict;
  /** Log fields naming a delivery (recipients, subject); never secrets. */
  describe(content: C): Readonly<Record<string, unknown>>;
  /** Log fields explaining a failure; never secrets. */
  describeFailure(error: unknown): Readonly<Record<string, unknown>>;
  close(): void;
}

/** A channel's frozen content must at least say what it carries. */
export function isFrozenContent(value: unknown): value is FrozenContent {
  const content = value as Partial<FrozenContent> | undefined;
  return typeof content === 'object' && content !== null && typeof content.version === 'number' && Array.isArray(content.types);
}

/** The channels that are not configured by name: email always, Alertmanager when it has URLs. */
export function builtInChannels(alerting: Pick<AlertingConfig, 'alertmanager'>): ChannelName[] {
  return alerting.alertmanager ? ['email', 'alertmanager'] : ['email'];
}

/**
 * The names of the channels channels/registry.ts builds for this config, in its order: the
 * built-in ones, then the named ones (webhooks, Zalo, SMS) by their configured names. Here rather
 * than in the registry, so queuing needs none of the channels.
 */
export function configuredChannels(alerting: Pick<AlertingConfig, 'alertmanager' | 'webhooks' | 'zalo' | 'sms'>): ChannelName[] {
  return [...builtInChannels(alerting), ...namedChannels(alerting).map((channel) => channel.name)];
}

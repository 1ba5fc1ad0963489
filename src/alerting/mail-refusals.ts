// Mail the mail server refused for good (outbox.ts Refusal): the self-alert on the other channels,
// the status page's list of the last day's refusals, and re-opening what a wrong password held
// back once a reload changes the SMTP settings.
//
// The self-alert goes everywhere but email (a mail about a mail server that refuses us would be
// refused too, or would reach a recipient the server just refused): a notice of kind mail_refused.
// One refusal kind raises at most one notice per quiet period (an hour), measured on the monotonic
// clock: a wrong password refuses every mail of the night, and one SMS says so, not twenty.
// A delivery that carried only notices raises none, so notices never feed themselves.
import type { AlertingConfig, SmtpConfig } from '../config/alerting-config.ts';
import { monotonicMs, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { DeliveryRow, Store } from '../store/store.ts';
import type { MailRefusalKind } from '../text/locale.ts';
import { enqueueNotice } from './notices.ts';
import type { Refusal } from './outbox.ts';

const DEFAULT_QUIET_SECONDS = 3600;
const LIST_HOURS = 24;

export interface RefusalNotifierOptions {
  readonly store: Pick<Store, 'outbox' | 'transaction'>;
  /** Read at each refusal, so a reload's channels and recipients apply. */
  readonly alerting: () => AlertingConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** The outbox to wake once the notice is queued. */
  readonly wake: () => void;
  /** Default: monotonicMs. */
  readonly monotonic?: () => number;
  readonly quietSeconds?: number;
}

/** outbox.ts onRefused for the email channel: queues a mail_refused notice on every other channel. */
export function createRefusalNotifier(options: RefusalNotifierOptions): (refusal: Refusal) => void {
  const monotonic = options.monotonic ?? monotonicMs;
  const quietMs = (options.quietSeconds ?? DEFAULT_QUIET_SECONDS) * 1000;
  const lastNoticeAt = new Map<MailRefusalKind, number>();
  return (refusal) => {
    if (refusal.channel !== 'email' || refusal.types.every((type) => type === 'notice')) return;
    const kind: MailRefusalKind = refusal.failure ?? 'recipients';
    const last = lastNoticeAt.get(kind);
    if (last !== undefined && monotonic() - last < quietMs) return;
    const summary = refusal.summary;
    const recipients = refusal.refused.length > 0 ? refusal.refused.map(({ address }) => address) : summary.to;
    try {
      const rows = enqueueNotice(
        options.store,
        options.alerting(),
        {
          kind: 'mail_refused',
          key: kind,
          severity: 'critical',
          params: { failure: kind, subject: summary.subject, recipients: recipients.join(', '), response: refusal.reason },
        },
        options.clock(),
        ['email'],
      );
      lastNoticeAt.set(kind, monotonic());
      options.log.warn({ deliveryId: refusal.deliveryId, failure: kind, notices: rows.length }, 'mail refused for good; told the other channels');
      options.wake();
    } catch (error) {
      options.log.error({ err: error, deliveryId: refusal.deliveryId }, 'could not queue the notice of a refused mail');
    }
  };
}

/** One line of the status page's list: a mail that failed, or the recipients that refused one. */
export interface MailRefusalLine {
  readonly at: Date;
  readonly subject: string;
  readonly recipients: readonly string[];
  readonly kind: MailRefusalKind;
  /** What the server answered. */
  readonly answer: string;
}

/** The last day's refusals on the email channel, newest first (what the status page lists). */
export function recentMailRefusals(outbox: Pick<Store['outbox'], 'refusals'>, now: Date): MailRefusalLine[] {
  return outbox.refusals('email', new Date(now.getTime() - LIST_HOURS * 3_600_000)).map(lineOf);
}

function lineOf(delivery: DeliveryRow): MailRefusalLine {
  const content = (delivery.content ?? {}) as { subject?: unknown; to?: unknown };
  const subject = typeof content.subject === 'string' ? content.subject : delivery.messageId;
  const to = Array.isArray(content.to) ? content.to.map(String) : [];
  const refused = delivery.recipients?.refused ?? [];
  return {
    at: delivery.deliveredAt ?? delivery.createdAt,
    subject,
    recipients: delivery.failed === 'auth' || delivery.failed === 'gave_up' || refused.length === 0 ? to : refused.map(({ address }) => address),
    kind: delivery.failed ?? 'recipients',
    answer: delivery.failed === undefined ? refused.map(({ response }) => response).join('; ') : (delivery.lastError ?? ''),
  };
}

/**
 * A reload changed the SMTP settings: the mails refused for the password are opened again and go
 * out with the new ones, same Message-ID. Returns how many. Unchanged settings re-open nothing.
 */
export function reopenAfterSmtpChange(
  outbox: Pick<Store['outbox'], 'reopenFailed'>,
  before: SmtpConfig | undefined,
  after: SmtpConfig | undefined,
  now: Date,
): number {
  if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) return 0;
  return outbox.reopenFailed('email', 'auth', now);
}

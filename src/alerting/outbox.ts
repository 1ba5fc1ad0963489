// Delivers the queued mail notifications: groups them per route (grouping.ts), freezes each mail
// in the store before its first attempt, sends it, marks it delivered, or backs off and tries again,
// forever. Nothing here decides WHAT to send (state/incidents.ts) or how it reads (messages/).
//
// Guarantees, and how:
// - Nothing lost: notifications sit in the store until a delivery holding them is marked delivered.
// - Nothing twice: a mail is frozen (Message-ID, Date, MIME boundary, every byte of text) in the
//   store before it is first sent, and only that frozen mail is ever sent for those notifications.
//   The one possible repeat is a crash between the server's "250" and the delivery mark: the same
//   mail, same Message-ID, goes again after the restart.
// - Order per route: a route with a mail still on its way makes no new mail, and only its oldest
//   undelivered mail is attempted; one send per route at a time. Different routes go in parallel.
import { randomBytes } from 'node:crypto';
import type { AlertingConfig } from '../config/alerting-config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { DeliveryRow, Store } from '../store/store.ts';
import { backoffSeconds, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import type { EmailChannel, OutgoingMail } from './email.ts';
import { smtpErrorFields } from './explain-smtp-error.ts';
import { planGroups } from './grouping.ts';
import { renderEmail } from './messages/render-email.ts';
import { createMessageId, mailDomainOf, threadHeadersOf } from './message-id.ts';
import { groupWaitStartOf, type Notification, type NotificationType } from '../state/notification.ts';
import { normalizeAddress } from '../state/recipients.ts';

export type DeliveryResult = 'sent' | 'failed';

/** The outbox needs only this part of the store. */
export type OutboxStore = Pick<Store, 'outbox'>;

export interface OutboxOptions {
  readonly store: OutboxStore;
  readonly alerting: AlertingConfig;
  /** The prober's location label, shown in mail footers. */
  readonly location?: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly channels: { readonly email: EmailChannel };
  /** After every pass and every attempt: notifications not yet delivered (dvc_notifications_queued). */
  readonly onQueued?: (channel: 'email', count: number) => void;
  /** Once per notification in a mail, after each attempt (dvc_notifications_total). */
  readonly onDelivered?: (channel: 'email', type: NotificationType, result: DeliveryResult) => void;
  /** Default: first retry after about 5 s, doubling up to 5 min. */
  readonly backoff?: BackoffPolicy;
  /** Routes sent to at the same time; default 4. */
  readonly maxParallelRoutes?: number;
  readonly systemNames?: Readonly<Record<string, string>>;
}

export interface Outbox {
  /** Something was enqueued: look now rather than at the next timer. */
  wake(): void;
  /** Resumes frozen undelivered mails first (restart recovery), then delivers as things fall due. */
  start(): void;
  /** No new attempts; waits for sends in flight (bounded by the SMTP timeouts) so they get marked. */
  stop(): Promise<void>;
  /** Resolves when nothing is in flight and nothing is due right now (for tests). */
  idle(): Promise<void>;
}

const CHANNEL = 'email';
const FROZEN_MAIL_VERSION = 1;
/** setTimeout's limit; later due times are re-planned when the timer fires. */
const MAX_TIMER_MS = 2_147_483_647;
const MAX_IDLE_ROUNDS = 10_000;

/** What a delivery's `content` holds: the mail exactly as it goes out, and what it carries. */
interface FrozenMail {
  readonly version: number;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** ISO-8601; JSON has no dates. */
  readonly date: string;
  readonly boundary: string;
  readonly references: readonly string[];
  readonly inReplyTo?: string;
  readonly types: readonly NotificationType[];
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, clock, log } = options;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const maxParallel = options.maxParallelRoutes ?? 4;
  const domain = mailDomainOf(options.alerting.email.from);
  const inFlight = new Map<string, Promise<void>>();
  /** Routes whose mail could not even be made (a bug); retried after the backoff cap, not on every pass. */
  const unrenderable = new Map<string, number>();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let passQueued = false;

  const queuePass = (): void => {
    if (!running || passQueued) return;
    passQueued = true;
    setImmediate(() => {
      passQueued = false;
      runPass();
    });
  };

  const schedule = (dueMs: number | undefined): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!running || dueMs === undefined) return;
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(0, dueMs - clock().getTime()));
    timer = setTimeout(runPass, delayMs);
    timer.unref();
  };

  /** Synchronous: reads the store, freezes new mails, starts sends; the sends finish later. */
  const runPass = (): void => {
    if (!running) return;
    const now = clock();
    let nextDueMs: number | undefined;
    const due = (ms: number) => (nextDueMs = nextDueMs === undefined ? ms : Math.min(nextDueMs, ms));
    try {
      const blocked = new Set(inFlight.keys());
      const oldestPerRoute = new Map<string, DeliveryRow>();
      for (const delivery of store.outbox.undelivered(CHANNEL)) {
        blocked.add(delivery.route);
        if (!oldestPerRoute.has(delivery.route)) oldestPerRoute.set(delivery.route, delivery);
      }
      for (const delivery of oldestPerRoute.values()) {
        if (inFlight.has(delivery.route)) continue;
        if (delivery.nextAttemptAt.getTime() > now.getTime()) due(delivery.nextAttemptAt.getTime());
        else if (inFlight.size < maxParallel) startSend(delivery);
      }
      for (const [route, untilMs] of unrenderable) {
        if (untilMs > now.getTime()) {
          blocked.add(route);
          due(untilMs);
        } else {
          unrenderable.delete(route);
        }
      }
      const plan = planGroups({
        pending: store.outbox.pending(CHANNEL).map((row) => ({ ...row, groupWaitFrom: groupWaitStartOf(row.notification, row.createdAt) })),
        lastDeliveredAt: (route) => store.outbox.lastDeliveredAt(CHANNEL, route),
        blockedRoutes: blocked,
        groupWaitSeconds: options.alerting.groupWaitSeconds,
        groupIntervalSeconds: options.alerting.groupIntervalSeconds,
        now,
      });
      if (plan.nextDueAt) due(plan.nextDueAt.getTime());
      // A ready route left over for lack of a free slot is picked up when a send finishes.
      for (const ready of plan.ready) {
        if (inFlight.size >= maxParallel) break;
        const delivery = freeze(ready.route, ready.rows, now);
        if (delivery) startSend(delivery);
        else due(unrenderable.get(ready.route)!);
      }
      options.onQueued?.(CHANNEL, store.outbox.countQueued(CHANNEL));
    } catch (error) {
      // The store failed (disk full, closed while stopping): look again later rather than spin.
      log.error({ err: error }, 'outbox pass failed; will look again');
      due(now.getTime() + policy.firstSeconds * 1000);
    }
    schedule(nextDueMs);
  };

  const freeze = (route: string, rows: readonly { readonly id: number; readonly notification: Notification }[], now: Date): DeliveryRow | undefined => {
    const batch = rows.map((row) => row.notification);
    try {
      const rendered = renderEmail(batch, {
        locale: options.alerting.locale,
        location: options.location,
        links: options.alerting.links,
        now,
        systemNames: options.systemNames,
      });
      const thread = threadHeadersOf(batch, domain);
      const content: FrozenMail = {
        version: FROZEN_MAIL_VERSION,
        to: recipientsOf(batch),
        ...rendered,
        date: now.toISOString(),
        boundary: randomBytes(12).toString('hex'),
        references: thread.references,
        ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo } : {}),
        types: batch.map((notification) => notification.type),
      };
      // Row ids are never reused and each row joins one delivery only, so the first one makes the id unique.
      const messageId = createMessageId(rows[0]!.id, domain);
      return store.outbox.createDelivery({ channel: CHANNEL, route, rowIds: rows.map((row) => row.id), messageId, content, now });
    } catch (error) {
      unrenderable.set(route, now.getTime() + policy.capSeconds * 1000);
      log.error({ err: error, route, rows: rows.map((row) => row.id) }, 'could not make a mail from queued notifications; will try again later');
      return undefined;
    }
  };

  const startSend = (delivery: DeliveryRow): void => {
    const attempt = send(delivery)
      .catch((error: unknown) => {
        // The store failed around the send; the delivery stays undelivered and is tried again.
        log.error({ err: error, deliveryId: delivery.id }, 'could not record a mail attempt');
      })
      .finally(() => {
        inFlight.delete(delivery.route);
        queuePass();
      });
    inFlight.set(delivery.route, attempt);
  };

  const send = async (delivery: DeliveryRow): Promise<void> => {
    const frozen = readFrozenMail(delivery.content);
    if (frozen === undefined) {
      // Written by a newer version, or damaged: keep it (nothing is dropped), retry slowly, say so.
      log.error({ deliveryId: delivery.id }, 'stored mail unreadable; will try again later');
      store.outbox.markAttemptFailed(delivery.id, 'stored mail unreadable', new Date(clock().getTime() + policy.capSeconds * 1000));
      return;
    }
    const mail: OutgoingMail = {
      id: delivery.id,
      messageId: delivery.messageId,
      to: frozen.to,
      subject: frozen.subject,
      text: frozen.text,
      html: frozen.html,
      date: new Date(frozen.date),
      boundary: frozen.boundary,
      references: frozen.references,
      ...(frozen.inReplyTo ? { inReplyTo: frozen.inReplyTo } : {}),
    };
    const attempt = delivery.attempts + 1;
    let receipt;
    try {
      receipt = await options.channels.email.send(mail);
    } catch (error) {
      const delaySeconds = backoffSeconds(attempt, policy);
      const nextAttemptAt = new Date(clock().getTime() + delaySeconds * 1000);
      const fields = smtpErrorFields(error);
      log.warn(
        { deliveryId: delivery.id, messageId: delivery.messageId, to: frozen.to, attempt, retryInSeconds: Math.round(delaySeconds * 10) / 10, ...fields },
        'mail not delivered; will retry',
      );
      store.outbox.markAttemptFailed(delivery.id, String(fields.response ?? fields.error), nextAttemptAt);
      for (const type of frozen.types) options.onDelivered?.(CHANNEL, type, 'failed');
      return;
    }
    store.outbox.markDelivered(delivery.id, clock());
    if (receipt.rejected && receipt.rejected.length > 0) {
      // Sent to the others; sending again would repeat it to them, so this is reported, not retried.
      log.warn({ deliveryId: delivery.id, messageId: delivery.messageId, rejected: receipt.rejected }, 'mail server refused some recipients');
    }
    log.info(
      {
        deliveryId: delivery.id,
        messageId: delivery.messageId,
        to: frozen.to,
        subject: frozen.subject,
        attempt,
        notifications: frozen.types.length,
        ...receipt,
      },
      'mail delivered',
    );
    for (const type of frozen.types) options.onDelivered?.(CHANNEL, type, 'sent');
  };

  return {
    wake: queuePass,
    start() {
      if (running) return;
      running = true;
      const resumed = store.outbox.undelivered(CHANNEL).length;
      if (resumed > 0) log.info({ deliveries: resumed }, 'resuming mails frozen before the last stop');
      runPass();
    },
    async stop() {
      running = false;
      schedule(undefined);
      await Promise.allSettled([...inFlight.values()]);
    },
    async idle() {
      for (let round = 0; round < MAX_IDLE_ROUNDS; round += 1) {
        if (!running) return;
        if (inFlight.size === 0) {
          runPass();
          if (inFlight.size === 0) return;
        }
        await Promise.allSettled([...inFlight.values()]);
      }
      throw new Error(`outbox still busy after ${MAX_IDLE_ROUNDS} rounds`);
    },
  };
}

/** The route's addresses, de-duplicated the way routeKey compares them, first spelling kept. */
function recipientsOf(batch: readonly Notification[]): string[] {
  const byKey = new Map<string, string>();
  for (const address of batch.flatMap((notification) => notification.to)) {
    const key = normalizeAddress(address);
    if (key !== '' && !byKey.has(key)) byKey.set(key, address.trim());
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, address]) => address);
}

function readFrozenMail(content: unknown): FrozenMail | undefined {
  const value = (typeof content === 'string' ? safeParse(content) : content) as Partial<FrozenMail> | undefined;
  if (!value || value.version !== FROZEN_MAIL_VERSION) return undefined;
  const fields = [value.subject, value.text, value.html, value.date, value.boundary];
  if (fields.some((field) => typeof field !== 'string') || !Array.isArray(value.to) || !Array.isArray(value.types)) return undefined;
  return { references: [], ...value } as FrozenMail;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

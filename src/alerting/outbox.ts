// Delivers the queued notifications on every channel: groups them per route (grouping.ts), has
// the channel render each batch and freezes the result in the store before its first attempt,
// hands it to the channel, marks it delivered, or backs off and tries again (until the channel
// says a failure is final). Nothing here decides WHAT to send or to whom (src/state/), how it
// reads, or how a medium works (channels/: one file per channel, one interface).
//
// Guarantees, and how:
// - Nothing lost: notifications sit in the store until a delivery holding them is marked delivered.
// - Nothing twice: a delivery is frozen (Message-ID, Date, MIME boundary, every byte of text) in the
//   store before it is first sent, and only that frozen delivery is ever sent for those notifications.
//   The one possible repeat is a crash between the server's "250" and the delivery mark: the same
//   mail, same Message-ID, goes again after the restart.
// - Order per route: a route with a delivery still on its way makes no new one, and only its oldest
//   undelivered delivery is attempted; one send per channel and route at a time. Different routes
//   and channels go in parallel.
// - groupWait is counted once per notification, from when what it reports happened (grouping.ts):
//   a firing was already settled for groupWait by the incident rules and goes out when queued.
// - Per recipient (mail): recipients the server defers (4xx) are tried again alone on the backoff,
//   with the same frozen bytes and Message-ID; those it refuses (5xx) are given up and reported
//   (onRefused). A delivery is delivered once every recipient accepted it or was refused for good.
// - A final failure (every recipient refused, wrong password, another 5xx) closes the delivery as
//   failed: it is kept and listed, reported (onRefused), and never holds up the route's later ones.
// - Every wait here (groupWait, groupInterval, the retry back-off) is measured on `clock`, the
//   clock that stamped the rows; the daemon gives its steady clock, so a step of the wall clock
//   holds no mail back and sends none early. Only the mail's Date header reads `wall`.
// - While the store refuses writes, notifications decided meanwhile wait in `unsaved` (memory, same
//   shape) and are delivered from there the same way, logged "not yet saved"; a route is sent to by
//   one of the two at a time, so a delivery moved into the store mid-send is never sent twice.
import type { AlertingConfig } from '../config/alerting-config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { groupWaitStartOf, type Notification, type NotificationType } from '../state/notification.ts';
import type { DeliveryFailure, DeliveryRecipients, DeliveryRow, RefusedRecipient, Store } from '../store/store.ts';
import type { UnsavedOutbox } from './unsaved-outbox.ts';
import { backoffSeconds, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import type { ChannelName, DeliveryChannel, RecipientAnswers } from './channel.ts';
import { planGroups } from './grouping.ts';

/**
 * gave_up: refused for good (a 4xx the receiver would repeat, a wrong password); the delivery is
 * closed, not retried. rejected: one or more recipients refused it for good (SMTP 5xx). One attempt
 * can count more than one: sent to some recipients, rejected by another, deferred (failed) for a third.
 */
export type DeliveryResult = 'sent' | 'failed' | 'gave_up' | 'rejected';

/** A delivery, or some of its recipients, refused for good: for the self-alert and the status page. */
export interface Refusal {
  readonly channel: ChannelName;
  readonly deliveryId: number;
  readonly messageId: string;
  /** Set when the whole delivery failed; absent when only some recipients refused it. */
  readonly failure?: DeliveryFailure;
  readonly refused: readonly RefusedRecipient[];
  /** The server's words (or the error's). */
  readonly reason: string;
  /** What the delivery carried; a delivery of notices only is not reported again (no loop). */
  readonly types: readonly NotificationType[];
  /** Its subject and recipients, for the words of the report. */
  readonly summary: { readonly subject: string; readonly to: readonly string[] };
}

/** The outbox needs only this part of the store. */
export type OutboxStore = Pick<Store, 'outbox'>;

export interface OutboxOptions {
  readonly store: OutboxStore;
  /** groupWait and groupInterval. */
  readonly alerting: Pick<AlertingConfig, 'groupWaitSeconds' | 'groupIntervalSeconds'>;
  /** Rule time: the clock the store stamps rows with, for every wait; see the header. */
  readonly clock: Clock;
  readonly log: Logger;
  readonly channels: readonly DeliveryChannel[];
  /** After every pass and every attempt: notifications not yet delivered (dvc_notifications_queued). */
  readonly onQueued?: (channel: ChannelName, count: number) => void;
  /** Once per notification in a delivery, after each attempt (dvc_notifications_total). */
  readonly onDelivered?: (channel: ChannelName, type: NotificationType, result: DeliveryResult) => void;
  /** A delivery failed for good, or recipients refused it for good (inside no transaction; after the store has it). */
  readonly onRefused?: (refusal: Refusal) => void;
  /** Default: first retry after about 5 s, doubling up to 5 min. */
  readonly backoff?: BackoffPolicy;
  /** Routes sent to at the same time, per channel; default 4. */
  readonly maxParallelRoutes?: number;
  /** The wall clock, for the time a delivery shows (the mail's Date header); absent = `clock`. */
  readonly wall?: Clock;
  /** Notifications decided while the store refused writes (unsaved-outbox.ts); delivered from memory. */
  readonly unsaved?: UnsavedOutbox;
}

/** Where a delivery's rows live: the store's outbox, or memory while the store refuses writes. */
type Source = Pick<
  Store['outbox'],
  'pending' | 'createDelivery' | 'undelivered' | 'markDelivered' | 'markAttemptFailed' | 'markFailed' | 'lastDeliveredAt' | 'countQueued'
>;

export interface Outbox {
  /** Something was enqueued: look now rather than at the next timer. */
  wake(): void;
  /** Resumes frozen undelivered deliveries first (restart recovery), then delivers as things fall due. */
  start(): void;
  /** No new attempts; waits for sends in flight (bounded by the channels' timeouts) so they get marked. */
  stop(): Promise<void>;
  /** Resolves when nothing is in flight and nothing is due right now (for tests). */
  idle(): Promise<void>;
}

/** setTimeout's limit; later due times are re-planned when the timer fires. */
const MAX_TIMER_MS = 2_147_483_647;
const MAX_IDLE_ROUNDS = 10_000;

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, clock, log } = options;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const maxParallel = options.maxParallelRoutes ?? 4;
  /** Keyed by channel, then route. */
  const inFlight = new Map<ChannelName, Map<string, Promise<void>>>(options.channels.map((channel) => [channel.name, new Map()]));
  /** Routes whose batch could not even be rendered (a bug); retried after the backoff cap, not on every pass. */
  const unrenderable = new Map<ChannelName, Map<string, number>>(options.channels.map((channel) => [channel.name, new Map()]));
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let passQueued = false;
  /**
   * When this run started. Within a run `clock` never goes back, so a stamp later than now comes
   * from an earlier run whose clock was ahead (stepped back since): it is read as this run's
   * start, so it holds nothing back for longer than it would have from here.
   */
  let startedAt = clock();
  const fromThisRun = (date: Date, now: Date): Date => (date.getTime() > now.getTime() ? startedAt : date);

  const allInFlight = (): Promise<void>[] => [...inFlight.values()].flatMap((routes) => [...routes.values()]);

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

  /** Synchronous: reads the store, freezes new deliveries, starts sends; the sends finish later. */
  const runPass = (): void => {
    if (!running) return;
    const now = clock();
    let nextDueMs: number | undefined;
    const due = (ms: number) => (nextDueMs = nextDueMs === undefined ? ms : Math.min(nextDueMs, ms));
    // The memory side goes on when the store fails: what was decided while it refused goes out all the same.
    const sources: Source[] = options.unsaved ? [store.outbox, options.unsaved] : [store.outbox];
    for (const channel of options.channels) {
      let queued: number | undefined = 0;
      for (const source of sources) {
        try {
          const count = passChannel(channel, source, now, due);
          if (queued !== undefined) queued += count;
        } catch (error) {
          // The store failed (disk full, closed while stopping): look again later rather than spin.
          log.error({ err: error, channel: channel.name }, 'outbox pass failed; will look again');
          due(now.getTime() + policy.firstSeconds * 1000);
          // A count without the failed side would be too low: the gauge keeps its last value.
          queued = undefined;
        }
      }
      if (queued !== undefined) options.onQueued?.(channel.name, queued);
    }
    schedule(nextDueMs);
  };

  /** Returns the notifications still queued in `source`. */
  const passChannel = (channel: DeliveryChannel, source: Source, now: Date, due: (ms: number) => void): number => {
    const flying = inFlight.get(channel.name)!;
    const broken = unrenderable.get(channel.name)!;
    const blocked = new Set(flying.keys());
    const oldestPerRoute = new Map<string, DeliveryRow>();
    for (const delivery of source.undelivered(channel.name)) {
      blocked.add(delivery.route);
      if (!oldestPerRoute.has(delivery.route)) oldestPerRoute.set(delivery.route, delivery);
    }
    for (const delivery of oldestPerRoute.values()) {
      if (flying.has(delivery.route)) continue;
      // No retry planned in this run is further off than the back-off cap; one that is was planned
      // by an earlier run whose clock was ahead, and is due a cap after this run's start.
      const plannedMs = delivery.nextAttemptAt.getTime();
      const capMs = policy.capSeconds * 1000;
      const retryAtMs = plannedMs > now.getTime() + capMs ? startedAt.getTime() + capMs : plannedMs;
      if (retryAtMs > now.getTime()) due(retryAtMs);
      else if (flying.size < maxParallel) startSend(channel, source, delivery);
    }
    for (const [route, untilMs] of broken) {
      if (untilMs > now.getTime()) {
        blocked.add(route);
        due(untilMs);
      } else {
        broken.delete(route);
      }
    }
    const plan = planGroups({
      pending: source.pending(channel.name).map((row) => ({ ...row, groupWaitFrom: fromThisRun(groupWaitStartOf(row.notification, row.createdAt), now) })),
      lastDeliveredAt: (route) => {
        const at = source.lastDeliveredAt(channel.name, route);
        return at === undefined ? undefined : fromThisRun(at, now);
      },
      blockedRoutes: blocked,
      groupWaitSeconds: options.alerting.groupWaitSeconds,
      groupIntervalSeconds: options.alerting.groupIntervalSeconds,
      now,
    });
    if (plan.nextDueAt) due(plan.nextDueAt.getTime());
    // A ready route left over for lack of a free slot is picked up when a send finishes.
    for (const ready of plan.ready) {
      if (flying.size >= maxParallel) break;
      const delivery = freeze(channel, source, ready.route, ready.rows, now);
      if (delivery) startSend(channel, source, delivery);
      else due(broken.get(ready.route)!);
    }
    return source.countQueued(channel.name);
  };

  const freeze = (
    channel: DeliveryChannel,
    source: Source,
    route: string,
    rows: readonly { readonly id: number; readonly notification: Notification }[],
    now: Date,
  ): DeliveryRow | undefined => {
    try {
      // Row ids are never reused and each row joins one delivery only, so the first one seeds a unique id.
      const rendered = channel.render(
        rows.map((row) => row.notification),
        { now: options.wall?.() ?? now, seed: rows[0]!.id },
      );
      return source.createDelivery({
        channel: channel.name,
        route,
        rowIds: rows.map((row) => row.id),
        messageId: rendered.id,
        content: rendered.content,
        now,
      });
    } catch (error) {
      unrenderable.get(channel.name)!.set(route, now.getTime() + policy.capSeconds * 1000);
      log.error(
        { err: error, channel: channel.name, route, rows: rows.map((row) => row.id) },
        `could not make a ${channel.noun} from queued notifications; will try again later`,
      );
      return undefined;
    }
  };

  const startSend = (channel: DeliveryChannel, source: Source, delivery: DeliveryRow): void => {
    const flying = inFlight.get(channel.name)!;
    const attempt = send(channel, source, delivery)
      .catch((error: unknown) => {
        // The store failed around the send; the delivery stays undelivered and is tried again.
        log.error({ err: error, channel: channel.name, deliveryId: delivery.id }, `could not record a ${channel.noun} attempt`);
      })
      .finally(() => {
        flying.delete(delivery.route);
        queuePass();
      });
    flying.set(delivery.route, attempt);
  };

  const send = async (channel: DeliveryChannel, source: Source, delivery: DeliveryRow): Promise<void> => {
    // The duty team is told during a store refusal; the log says the record of it waits in memory.
    const unsaved = source === options.unsaved;
    const saved = (message: string) => (unsaved ? `${message} (not yet saved)` : message);
    const content = channel.read(delivery.content);
    if (content === undefined) {
      // Written by a newer version, or damaged: keep it (nothing is dropped), retry slowly, say so.
      log.error({ channel: channel.name, deliveryId: delivery.id }, saved(`stored ${channel.noun} unreadable; will try again later`));
      source.markAttemptFailed(delivery.id, `stored ${channel.noun} unreadable`, new Date(clock().getTime() + policy.capSeconds * 1000));
      return;
    }
    const count = (result: DeliveryResult) => {
      for (const type of content.types) options.onDelivered?.(channel.name, type, result);
    };
    const refusal = (failure: DeliveryFailure | undefined, refused: readonly RefusedRecipient[], reason: string): void => {
      options.onRefused?.({
        channel: channel.name,
        deliveryId: delivery.id,
        messageId: delivery.messageId,
        ...(failure ? { failure } : {}),
        refused,
        reason,
        types: content.types,
        summary: summaryOf(channel.describe(content)),
      });
    };
    const attempt = delivery.attempts + 1;
    const names = { deliveryId: delivery.id, messageId: delivery.messageId, ...channel.describe(content), attempt, ...(unsaved ? { saved: false } : {}) };
    let receipt;
    try {
      receipt = await channel.send({
        deliveryId: delivery.id,
        id: delivery.messageId,
        content,
        ...(delivery.recipients ? { pending: delivery.recipients.pending } : {}),
      });
    } catch (error) {
      const fields = channel.describeFailure(error);
      const said: unknown = fields.response ?? fields.error ?? (error instanceof Error ? error.message : undefined);
      const reason = typeof said === 'string' ? said : said === undefined ? String(error) : JSON.stringify(said);
      const verdict = channel.classify(error);
      if (verdict !== 'retry') {
        // Final: trying again would fail the same way. The delivery is closed as failed with its
        // reason kept, so the route's later deliveries go on; a reload with new credentials opens an auth failure again.
        const failure: DeliveryFailure = verdict === 'auth' ? 'auth' : 'gave_up';
        log.error({ ...names, ...fields, failure }, saved(`${channel.noun} refused for good; not retried`));
        source.markFailed(delivery.id, failure, reason, clock());
        count('gave_up');
        refusal(failure, [], reason);
        return;
      }
      const delaySeconds = backoffSeconds(attempt, policy);
      log.warn({ ...names, retryInSeconds: Math.round(delaySeconds * 10) / 10, ...fields }, saved(`${channel.noun} not delivered; will retry`));
      source.markAttemptFailed(delivery.id, reason, new Date(clock().getTime() + delaySeconds * 1000));
      count('failed');
      return;
    }
    const { recipients: answers, ...receiptFields } = receipt;
    if (answers === undefined) {
      source.markDelivered(delivery.id, clock());
      log.info({ ...names, notifications: content.types.length, ...receiptFields }, saved(`${channel.noun} delivered`));
      count('sent');
      return;
    }
    const progress = mergeAnswers(delivery.recipients, answers);
    const refusedNow = answers.refused.map(({ address, response }) => ({ address, response }));
    if (answers.accepted.length > 0) count('sent');
    if (refusedNow.length > 0) count('rejected');
    if (refusedNow.length > 0) log.error({ ...names, refused: refusedNow }, saved(`${channel.noun} refused for good by some recipients; they are not retried`));
    if (progress.pending.length > 0) {
      const delaySeconds = backoffSeconds(attempt, policy);
      const reason = answers.deferred.map(({ address, response }: RefusedRecipient) => `${address}: ${response}`).join('; ');
      log.warn(
        { ...names, accepted: answers.accepted, deferred: answers.deferred, retryInSeconds: Math.round(delaySeconds * 10) / 10, ...receiptFields },
        saved(`${channel.noun} deferred for some recipients; will retry them only`),
      );
      source.markAttemptFailed(delivery.id, reason, new Date(clock().getTime() + delaySeconds * 1000), progress);
      count('failed');
    } else if (progress.accepted.length === 0) {
      const reason = progress.refused.map(({ address, response }) => `${address}: ${response}`).join('; ');
      log.error({ ...names, refused: progress.refused }, saved(`${channel.noun} refused by every recipient; not retried`));
      source.markFailed(delivery.id, 'refused', reason, clock(), progress);
    } else {
      source.markDelivered(delivery.id, clock(), progress);
      log.info({ ...names, notifications: content.types.length, ...receiptFields, accepted: progress.accepted }, saved(`${channel.noun} delivered`));
    }
    if (refusedNow.length > 0) {
      const failure = progress.pending.length === 0 && progress.accepted.length === 0 ? 'refused' : undefined;
      refusal(failure, refusedNow, refusedNow.map(({ response }) => response).join('; '));
    }
  };

  return {
    wake: queuePass,
    start() {
      if (running) return;
      running = true;
      startedAt = clock();
      for (const channel of options.channels) {
        const resumed = store.outbox.undelivered(channel.name).length;
        if (resumed > 0) log.info({ channel: channel.name, deliveries: resumed }, `resuming ${channel.noun}s frozen before the last stop`);
      }
      runPass();
    },
    async stop() {
      running = false;
      schedule(undefined);
      await Promise.allSettled(allInFlight());
    },
    async idle() {
      for (let round = 0; round < MAX_IDLE_ROUNDS; round += 1) {
        if (!running) return;
        if (allInFlight().length === 0) {
          runPass();
          if (allInFlight().length === 0) return;
        }
        await Promise.allSettled(allInFlight());
      }
      throw new Error(`outbox still busy after ${MAX_IDLE_ROUNDS} rounds`);
    },
  };
}

/** The answers of one attempt added to what the delivery's recipients said before. */
function mergeAnswers(before: DeliveryRecipients | undefined, answers: RecipientAnswers): DeliveryRecipients {
  return {
    pending: answers.deferred.map(({ address }) => address),
    accepted: [...(before?.accepted ?? []), ...answers.accepted],
    refused: [...(before?.refused ?? []), ...answers.refused.map(({ address, response }) => ({ address, response }))],
  };
}

/** Subject and recipients from a channel's describe() fields (mail has both; other channels may have neither). */
function summaryOf(fields: Readonly<Record<string, unknown>>): Refusal['summary'] {
  const to = Array.isArray(fields.to) ? fields.to.map(String) : [];
  return { subject: typeof fields.subject === 'string' ? fields.subject : '', to };
}

// The API later features call to tell the duty team about the monitor itself: one notice, queued
// on every configured channel in one transaction (named channels with their own targets), delivered by the outbox like any notification.
//
//   enqueueNotice(store, config.alerting, { kind: 'report_late', key: '2026-05-29', severity: 'warning',
//     params: { report: 'báo cáo ngày', deadline: '16:00' } }, clock());
//   outbox.wake();
import type { AlertingConfig } from '../config/alerting-config.ts';
import { noticeNotification, noticeRouteKey, type NoticeInput } from '../state/notice.ts';
import type { Store } from '../store/store.ts';
import { builtInChannels } from './channel.ts';
import { enqueueOnNamedChannels } from './named-queue.ts';

export type NoticeStore = Pick<Store, 'outbox' | 'transaction'>;

/**
 * Returns the outbox row ids (one per channel); the caller wakes the outbox. Mail is skipped when
 * email.to is empty; `except` leaves channels out (a notice about the mail server goes on the others).
 */
export function enqueueNotice(store: NoticeStore, alerting: AlertingConfig, input: NoticeInput, now: Date, except: readonly string[] = []): number[] {
  const notification = noticeNotification(alerting, input, now);
  const route = noticeRouteKey(notification.to);
  const left = new Set(except);
  const channels = builtInChannels(alerting).filter((channel) => !left.has(channel) && (channel !== 'email' || notification.to.length > 0));
  return store.transaction(() => [
    ...channels.map((channel) => store.outbox.enqueue(channel, notification, route)),
    ...enqueueOnNamedChannels(store.outbox, alerting, notification, left),
  ]);
}

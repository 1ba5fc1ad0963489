// Notices: messages about the monitor itself or about things that are not a check's outage (a
// report missed its deadline, a token cannot be renewed, the catalogue changed, the store cannot be
// written). Pure: who is told and what the record holds; alerting/notices.ts queues it, and the
// outbox delivers it on every channel like any notification, on routes of its own.
import type { AlertingConfig } from '../config/alerting-config.ts';
import type { Notice, NoticeKind, NoticeSeverity, Notification } from './notification.ts';
import { noticeRecipients, routeKey } from './recipients.ts';

export interface NoticeInput {
  readonly kind: NoticeKind;
  /** Tells notices of one kind apart (a report's date, a token's name); threads them together. */
  readonly key: string;
  readonly severity: NoticeSeverity;
  /** Filled into the kind's words (messages/vi.ts, en.ts `notices`). */
  readonly params?: Readonly<Record<string, string | number>>;
}

export function noticeNotification(config: AlertingConfig, input: NoticeInput, now: Date): Notification {
  const notice: Notice = { kind: input.kind, key: input.key, severity: input.severity, params: input.params ?? {} };
  return { type: 'notice', notice, riders: [], to: noticeRecipients(config, input.kind), createdAt: now };
}

/**
 * Notices have routes of their own: they never wait behind an incident mail's groupInterval, and
 * a mail never mixes the two layouts.
 */
export function noticeRouteKey(to: readonly string[]): string {
  return `notice:${routeKey(to)}`;
}

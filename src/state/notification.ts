// The notification record: what the incident rules (and the notices of the monitor itself) ask to
// be told, and to whom. State decides it; the outbox (src/alerting/) only delivers it. A
// notification is queued in the outbox in the same transaction as the state change that caused it.
import type { BackendIdentity } from '../probes/probe.ts';
import type { Incident } from './incident.ts';

export type NotificationType =
  | 'firing' // an incident opened (or was released from a hold while still open)
  | 'reminder' // still open after repeatInterval; also sent at once when a warning escalates to critical
  | 'resolved' // an incident ended; riders list children / held incidents that ended under it
  | 'flapping' // the check changes status too often: one notice instead of a firing/resolved pair each time (flapping.ts)
  | 'vantage_down' // every vantage check fails: the prober's own network is down
  | 'vantage_up' // the prober's network is back; riders list what failed meanwhile
  | 'maintenance_end' // a window ended; riders list what is still down
  | 'notice' // about the monitor itself or something that is not a check's outage (see notice.ts)
  | 'report' // a report mail (scheduled or asked for), rendered whole when queued: see ReportMail
  | 'test' // `dvc-sentinel test-email`
  | 'desk' // what an operator did to an incident (acknowledged, a note, opened or resolved by hand): see DeskMail
  | 'backend_changed'; // another server answers a check (address, certificate or a recorded header): see backend-change.ts

export interface Notification {
  readonly type: NotificationType;
  /** The incident this is about (absent for vantage/maintenance/notice/test notifications). */
  readonly incident?: Incident;
  /** Incidents that ride along: inhibited children, inconclusive failures, still-down checks. */
  readonly riders: readonly Incident[];
  /** Who gets it: sorted, de-duplicated e-mail addresses (see recipients.ts). */
  readonly to: readonly string[];
  readonly createdAt: Date;
  /** A maintenance window's name, for maintenance_end and window-routed mail. */
  readonly window?: string;
  /** What a `notice` says; present exactly when type is 'notice'. */
  readonly notice?: Notice;
  /** The report mail; present exactly when type is 'report'. */
  readonly report?: ReportMail;
  /** The desk's mail; present exactly when type is 'desk' (with `incident`, whose thread it joins). */
  readonly desk?: DeskMail;
  /**
   * Present on a reminder an escalation step sent (state/escalation.ts): it goes only to the
   * targets its step names, never to the ordinary recipients.
   */
  readonly escalation?: EscalationMark;
  /**
   * On a named channel's outbox row (webhook, Zalo, SMS): whom THIS notification goes to on that
   * channel. `to` are chat ids or phone numbers (an escalation's people); `defaults` adds the
   * channel's own configured targets. Absent: the channel's ordinary routing decides.
   */
  readonly targets?: NotificationTargets;
  /** The server change; present exactly when type is 'backend_changed'. */
  readonly backend?: BackendChangeMark;
}

/** Which check now has another server answering, and the servers before and after. */
export interface BackendChangeMark {
  readonly check: string;
  readonly system: string;
  readonly from: BackendIdentity;
  readonly to: BackendIdentity;
}

/** Which escalation step sent a notification. */
export interface EscalationMark {
  /** The step's `after`, seconds from the firing notification. */
  readonly afterSeconds: number;
}

export interface NotificationTargets {
  readonly channel: string;
  readonly to: readonly string[];
  readonly defaults: boolean;
}

/**
 * A mail about what an operator did, rendered whole when queued (its words are what the person
 * typed at that moment). It goes alone on a route of its own, in the incident's thread.
 */
export interface DeskMail {
  /** opened: the first mail of a people-reported incident; the others follow up in its thread. */
  readonly kind: 'acknowledged' | 'note' | 'opened' | 'resolved';
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * A report mail, rendered whole when it is queued (the report is built from the history of its
 * window, which does not change afterwards), so the email channel only copies it into the frozen
 * mail. Goes by email only, on a route of its own, alone in its mail.
 */
export interface ReportMail {
  /** The report's config name ("daily"). */
  readonly name: string;
  /** The slot it was sent for (or when it was asked for); its Message-ID carries it. */
  readonly scheduledFor: Date;
  /** Copy recipients; `to` is the notification's. */
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly ReportAttachment[];
}

export interface ReportAttachment {
  readonly filename: string;
  readonly contentType: string;
  /** The file's bytes, base64: JSON carries them unchanged into the frozen mail. */
  readonly contentBase64: string;
}

export type NoticeSeverity = 'info' | 'warning' | 'critical';

/**
 * A message about the monitor itself or about something that is not a check's outage. Words are
 * chosen by the surface from `kind` and `params` (codes, not sentences), in the reader's locale.
 */
export interface Notice {
  /** What happened: the message tables key their words on it (messages/vi.ts, en.ts `notices`). */
  readonly kind: NoticeKind;
  /** Tells apart notices of one kind (a report's date, a token's name); part of the Message-ID. */
  readonly key: string;
  readonly severity: NoticeSeverity;
  /** Values the words are filled with; shown escaped, never interpreted. */
  readonly params: Readonly<Record<string, string | number>>;
}

/** Every notice kind. A new one is added here and in the message tables (the compiler asks for both). */
export type NoticeKind = 'report_late' | 'token_renewal_failed' | 'catalogue_changed' | 'store_unwritable' | 'mail_refused';

/**
 * When this notification's groupWait starts. groupWait is counted ONCE per notification, from the
 * moment the thing it reports happened: a firing reports the incident's opening, and the incident
 * rules have already spent groupWait settling it (state/incidents.ts), so a firing is due the
 * moment it is queued. Everything else reports the moment it was queued.
 */
export function groupWaitStartOf(notification: Notification, queuedAt: Date): Date {
  // A report is alone on its route and is due on time: it waits for nothing to group with.
  // A desk mail tells of one person's act, and they expect it in the thread at once.
  // An escalation tells of a deadline already passed: it waits for nothing either.
  if (notification.type === 'report' || notification.type === 'desk' || notification.escalation !== undefined) return new Date(0);
  if (notification.type === 'firing' && notification.incident) return notification.incident.openedAt;
  return queuedAt;
}

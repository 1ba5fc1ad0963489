// One notification in one line — "[SỰ CỐ] Cổng DVC quốc gia — dvcqg-home không truy cập được
// (timeout)" — shared by subjects and section titles, plus the facts both read from an incident.
import type { Locale } from '../../config/alerting-config.ts';
import type { BackendIdentity, FailureReason } from '../../probes/probe.ts';
import type { Incident, ResultSnapshot } from '../../state/incident.ts';
import type { Notification } from '../../state/notification.ts';
import { displaySystemName } from '../../text/display-system-name.ts';
import { formatDuration, secondsBetween } from '../../text/format-duration.ts';
import { formatNumber } from '../../text/format-number.ts';
import { wordsFor, type NoticeKind } from '../../text/locale.ts';

/** Most urgent first: the order of sections in a mail and of names in a batch subject. */
export const NOTICE_KINDS_BY_URGENCY: readonly NoticeKind[] = [
  'vantage_down',
  'firing_critical',
  'reminder_critical',
  'firing_warning',
  'reminder_warning',
  'flapping',
  'backend_changed',
  'maintenance_end',
  'vantage_up',
  'resolved',
  'test',
];

/** Most urgent first; notifications of one kind keep the caller's order. */
export function orderByUrgency(batch: readonly Notification[]): Notification[] {
  const rank = (notification: Notification): number => NOTICE_KINDS_BY_URGENCY.indexOf(noticeKindOf(notification));
  return batch
    .map((notification, index) => ({ notification, index }))
    .sort((a, b) => rank(a.notification) - rank(b.notification) || a.index - b.index)
    .map(({ notification }) => notification);
}

export function noticeKindOf(notification: Notification): NoticeKind {
  const severity = notification.incident?.severity ?? 'critical';
  switch (notification.type) {
    case 'firing':
      return severity === 'critical' ? 'firing_critical' : 'firing_warning';
    case 'reminder':
      return severity === 'critical' ? 'reminder_critical' : 'reminder_warning';
    case 'report':
    case 'desk':
      // Reports and desk mails are rendered when queued and go alone (email.ts); never in an incident mail.
      throw new Error(`a ${notification.type} notification is not an incident notification`);
    default:
      return notification.type;
  }
}

export interface FailureFacts {
  readonly reason: FailureReason | undefined;
  readonly phases: ResultSnapshot['phases'];
  readonly httpStatus: number | undefined;
}

/**
 * The incident's latest failure. Once the last probe succeeded (a resolved incident) its phases say
 * nothing about the failure, so only the remembered reason is kept.
 */
export function failureOf(incident: Incident): FailureFacts {
  if (incident.last.reason !== undefined) {
    return { reason: incident.last.reason, phases: incident.last.phases, httpStatus: incident.last.httpStatus };
  }
  return { reason: incident.lastReason ?? incident.firstReason, phases: {}, httpStatus: undefined };
}

/** Seconds the incident has lasted: to its resolution, else to the notification's own moment. */
export function downtimeSecondsOf(incident: Incident, asOf: Date): number {
  return secondsBetween(incident.openedAt, incident.resolvedAt ?? asOf);
}

const INVISIBLE_OR_BREAKING = /[\s\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

/**
 * Collapses every run of whitespace and control characters (CR, LF, tabs, bidi overrides) to one
 * space: endpoint text can then never break a mail header or a line of the layout.
 */
export function toSingleLine(text: string): string {
  return text.replace(INVISIBLE_OR_BREAKING, ' ').trim();
}

export interface NoticeContext {
  readonly locale: Locale;
  readonly location?: string;
  readonly systemNames?: Readonly<Record<string, string>>;
}

export interface NoticeLine {
  readonly kind: NoticeKind;
  /** Without brackets; a reminder's carries how long the incident has lasted. */
  readonly tag: string;
  readonly text: string;
}

export function systemNameOf(incident: Incident, context: NoticeContext): string {
  return toSingleLine(displaySystemName(incident.system, context.locale, context.systemNames));
}

export function describeNotice(notification: Notification, context: NoticeContext): NoticeLine {
  const strings = wordsFor(context.locale);
  const kind = noticeKindOf(notification);
  const location = context.location === undefined ? undefined : toSingleLine(context.location);
  const incident = notification.incident;
  const riders = notification.riders.length;
  switch (kind) {
    case 'vantage_down':
      return { kind, tag: strings.tag[kind], text: strings.vantageDown(location) };
    case 'vantage_up':
      return { kind, tag: strings.tag[kind], text: strings.vantageUp(location, riders) };
    case 'maintenance_end': {
      const systems = new Set(notification.riders.map((rider) => rider.system)).size;
      return { kind, tag: strings.tag[kind], text: strings.maintenanceEnd(windowNameOf(notification, context), systems, riders) };
    }
    case 'test':
      return { kind, tag: strings.tag[kind], text: strings.testSubject(location) };
    case 'backend_changed': {
      const moved = notification.backend;
      const who =
        moved === undefined ? '' : `${toSingleLine(displaySystemName(moved.system, context.locale, context.systemNames))} — ${toSingleLine(moved.check)} `;
      return { kind, tag: strings.tag[kind], text: `${who}${strings.backend.headline}` };
    }
    default:
      break;
  }
  const suffix = riders > 0 ? ` ${strings.ridersSuffix(riders)}` : '';
  if (incident === undefined) return { kind, tag: strings.tag[kind], text: `${strings.headline(undefined, undefined)}${suffix}` };
  const who = `${systemNameOf(incident, context)} — ${toSingleLine(incident.check)}`;
  const duration = formatDuration(downtimeSecondsOf(incident, notification.createdAt), context.locale);
  if (kind === 'resolved') return { kind, tag: strings.tag[kind], text: `${who} ${strings.backToNormal(duration)}${suffix}` };
  if (kind === 'flapping') {
    const episode = incident.flapping;
    const changes = formatNumber(episode?.changes ?? 0, context.locale);
    const window = formatDuration(episode?.windowSeconds ?? 0, context.locale);
    return { kind, tag: strings.tag[kind], text: `${who} ${strings.flapping.headline(changes, window)}${suffix}` };
  }
  const failure = failureOf(incident);
  const reason = failure.reason === undefined ? '' : ` (${failure.reason})`;
  const tag = kind === 'reminder_critical' || kind === 'reminder_warning' ? `${strings.tag[kind]} ${duration}` : strings.tag[kind];
  return { kind, tag, text: `${who} ${strings.headline(failure.reason, failure.httpStatus)}${reason}${suffix}` };
}

export function windowNameOf(notification: Notification, context: NoticeContext): string {
  const name = notification.window === undefined ? '' : toSingleLine(notification.window);
  return name === '' ? wordsFor(context.locale).unnamedWindow : name;
}

/** A server in the reader's words, on one line (its parts come from the endpoint: escaped by the layout). */
export function describeServer(backend: BackendIdentity, locale: Locale): string {
  const headers = Object.keys(backend.headers ?? {})
    .sort()
    .map((name) => `${name}: ${backend.headers?.[name] || '—'}`);
  return toSingleLine(
    wordsFor(locale).backend.describe({
      address: backend.address,
      ...(backend.fingerprint === undefined ? {} : { fingerprint: backend.fingerprint }),
      ...(backend.issuer === undefined ? {} : { issuer: backend.issuer }),
      ...(backend.serial === undefined ? {} : { serial: backend.serial }),
      headers,
    }),
  );
}

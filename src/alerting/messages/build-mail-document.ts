// A batch of notifications → what the mail says, as plain-text pieces in reading order. The text
// and HTML parts are both laid out from this, so they never disagree; only the HTML layout escapes.
import type { AlertingConfig, Locale } from '../../config/alerting-config.ts';
import { organisationsTold } from '../../state/recipients.ts';
import type { Roster } from '../../config/roster-config.ts';
import { describeDuty } from '../../state/roster.ts';
import { PHASES } from '../../probes/probe.ts';
import type { Hold, Incident } from '../../state/incident.ts';
import type { Notification } from '../../state/notification.ts';
import {
  describeNotice,
  describeServer,
  downtimeSecondsOf,
  failureOf,
  orderByUrgency,
  systemNameOf,
  toSingleLine,
  windowNameOf,
  type NoticeContext,
} from './describe-notice.ts';
import { displaySystemName } from '../../text/display-system-name.ts';
import { formatDuration } from '../../text/format-duration.ts';
import { formatMilliseconds, formatNumber } from '../../text/format-number.ts';
import { formatClock, formatDate, formatDateTime, isSameLocalDate } from '../../text/format-time.ts';
import { wordsFor, type Words } from '../../text/locale.ts';
import { describeProbeMessage } from '../../text/probe-message.ts';
import { probableCause, suggestRemedy } from '../../text/probable-cause.ts';

/** Long endpoint messages are cut: a mail is read on a phone during an outage. */
const MESSAGE_MAX_CHARS = 500;

export type Tone = 'critical' | 'warning' | 'resolved' | 'info';

export interface MailRow {
  readonly label: string;
  readonly value: string;
  /** An http(s) URL the value links to. */
  readonly href?: string;
  /** Colours the value (severity). */
  readonly tone?: Tone;
}

export interface RiderLine {
  readonly check: string;
  readonly system: string;
  readonly severity: string;
  readonly detectedAt: string;
  /** Absent while the rider is still open. */
  readonly resolvedAt?: string;
  readonly duration: string;
  readonly reason: string;
  readonly message: string;
  readonly note?: string;
}

export interface RiderGroup {
  readonly title: string;
  readonly riders: readonly RiderLine[];
}

export interface MailSection {
  readonly title: string;
  readonly tone: Tone;
  readonly lead?: string;
  readonly rows: readonly MailRow[];
  readonly riderGroups: readonly RiderGroup[];
}

export interface MailDocument {
  readonly lang: string;
  readonly intro?: { readonly text: string; readonly items: readonly string[] };
  readonly sections: readonly MailSection[];
  readonly riderColumns: Words['riderColumns'];
  readonly ongoing: string;
  readonly footer: string;
}

export interface DocumentContext extends NoticeContext {
  readonly links: { readonly dashboard?: string; readonly statusPage?: string };
  readonly now: Date;
  readonly roster?: Roster;
  readonly routes?: AlertingConfig['email']['routes'];
}

export function buildMailDocument(batch: readonly Notification[], context: DocumentContext): MailDocument {
  const strings = wordsFor(context.locale);
  const ordered = orderByUrgency(batch);
  const sections = ordered.map((notification) => buildSection(notification, context, strings));
  const location = context.location === undefined ? undefined : toSingleLine(context.location);
  return {
    lang: strings.lang,
    ...(sections.length > 1 ? { intro: { text: strings.batchIntro(sections.length), items: sections.map((section) => section.title) } } : {}),
    sections,
    riderColumns: strings.riderColumns,
    ongoing: strings.ongoing,
    footer: strings.footer(location, formatDateTime(context.now, context.locale)),
  };
}

function buildSection(notification: Notification, context: DocumentContext, strings: Words): MailSection {
  const line = describeNotice(notification, context);
  const title = `[${line.tag}] ${line.text}`;
  const riderGroups = groupRiders(notification, context, strings);
  const links = linkRows(context, strings);
  const at = formatDateTime(notification.createdAt, context.locale);
  const location = context.location === undefined ? [] : [{ label: strings.labels.location, value: toSingleLine(context.location) }];
  const timeRows = notification.incident === undefined ? [] : incidentTimeRows(notification.incident, notification, context, strings);
  switch (line.kind) {
    case 'vantage_down':
      return {
        title,
        tone: 'warning',
        lead: strings.leads.vantageDown(at),
        riderGroups,
        rows: [...location, ...timeRows, { label: strings.labels.remedy, value: strings.vantageRemedy }, ...links],
      };
    case 'vantage_up':
      return { title, tone: 'resolved', lead: strings.leads.vantageUp(at), riderGroups, rows: [...location, ...timeRows, ...links] };
    case 'maintenance_end': {
      const lead = strings.leads.maintenanceEnd(windowNameOf(notification, context), at, notification.riders.length);
      return { title, tone: notification.riders.length > 0 ? 'warning' : 'resolved', lead, riderGroups, rows: links };
    }
    case 'test':
      return { title, tone: 'info', lead: strings.leads.test, riderGroups, rows: [...location, { label: strings.labels.sentAt, value: at }] };
    case 'flapping': {
      const incident = notification.incident;
      const episode = incident?.flapping;
      if (incident === undefined || episode === undefined) break;
      const lead = strings.flapping.lead(formatDateTime(episode.since, context.locale), formatDuration(episode.windowSeconds, context.locale));
      const changes = { label: strings.flapping.changesLabel, value: formatNumber(episode.changes, context.locale) };
      return {
        title,
        tone: 'warning',
        lead,
        riderGroups,
        rows: [...incidentRows(incident, notification, context, strings), changes, ...dutyRows(notification, context, strings), ...links],
      };
    }
    case 'backend_changed': {
      const moved = notification.backend;
      if (moved === undefined) break;
      const system = toSingleLine(displaySystemName(moved.system, context.locale, context.systemNames));
      return {
        title,
        tone: 'warning',
        lead: strings.backend.lead(at),
        riderGroups,
        rows: [
          { label: strings.labels.system, value: system },
          { label: strings.labels.check, value: toSingleLine(moved.check) },
          { label: strings.backend.before, value: describeServer(moved.from, context.locale) },
          { label: strings.backend.after, value: describeServer(moved.to, context.locale), tone: 'warning' },
          ...location,
          ...links,
        ],
      };
    }
    default:
      break;
  }
  const incident = notification.incident;
  const tone: Tone = line.kind === 'resolved' ? 'resolved' : incident?.severity === 'warning' ? 'warning' : 'critical';
  const rows =
    incident === undefined ? links : [...incidentRows(incident, notification, context, strings), ...dutyRows(notification, context, strings), ...links];
  return { title, tone, riderGroups, rows };
}

/** Why an escalation came, who is on duty as the mail is made, and the focal points to call. */
function dutyRows(notification: Notification, context: DocumentContext, strings: Words): MailRow[] {
  const words = strings.roster;
  const duty = describeDuty(context.roster, context.now, words);
  const escalation = notification.escalation;
  const incident = notification.incident;
  const told = incident === undefined ? [] : organisationsTold(context.routes ?? [], context.roster, incident.check, incident.system);
  return [
    ...(told.length === 0 ? [] : [{ label: words.told, value: toSingleLine(told.join(', ')) }]),
    ...(escalation === undefined
      ? []
      : [{ label: words.escalation, value: words.escalated(formatDuration(escalation.afterSeconds, context.locale)), tone: 'critical' as const }]),
    ...(duty === undefined ? [] : [{ label: words.onDuty, value: toSingleLine(duty.onDuty) }]),
    ...(duty === undefined || duty.focalPoints.length === 0 ? [] : [{ label: words.focalPoints, value: toSingleLine(duty.focalPoints.join(' · ')) }]),
  ];
}

function incidentRows(incident: Incident, notification: Notification, context: DocumentContext, strings: Words): MailRow[] {
  const { locale } = context;
  const labels = strings.labels;
  const resolved = notification.type === 'resolved';
  const failure = failureOf(incident);
  const remedy = resolved ? undefined : suggestRemedy(failure.reason, failure.phases, failure.httpStatus, locale);
  const last = incident.last;
  const phases = PHASES.flatMap((phase) => {
    const seconds = last.phases[phase];
    return seconds === undefined ? [] : [`${strings.phaseShort[phase]} ${formatMilliseconds(seconds * 1000, locale)}`];
  });
  const holdNote = describeHold(incident, notification.createdAt, context, strings);
  const rows: (MailRow | undefined)[] = [
    { label: labels.system, value: systemNameOf(incident, context) },
    { label: labels.check, value: toSingleLine(incident.check) },
    { label: labels.severity, value: strings.severity[incident.severity], tone: incident.severity },
    {
      label: labels.status,
      value: resolved ? strings.statusValue.resolved : strings.statusValue[incident.severity],
      tone: resolved ? 'resolved' : incident.severity,
    },
    notification.window === undefined ? undefined : { label: labels.maintenance, value: strings.duringWindow(windowNameOf(notification, context)) },
    ...incidentTimeRows(incident, notification, context, strings),
    { label: labels.cause, value: probableCause(failure.reason, failure.phases, failure.httpStatus, locale) },
    remedy === undefined ? undefined : { label: labels.remedy, value: remedy },
    { label: labels.lastError, value: clipMessage(describeProbeMessage(incident.lastDetail, incident.lastMessage, locale)) },
    last.httpStatus === undefined ? undefined : { label: labels.httpStatus, value: String(last.httpStatus) },
    { label: labels.latency, value: formatMilliseconds(last.durationSeconds * 1000, locale) },
    phases.length === 0 ? undefined : { label: labels.phases, value: phases.join(' · ') },
    incident.probes > 0
      ? { label: labels.failedProbes, value: strings.probeCount(formatNumber(incident.failedProbes, locale), formatNumber(incident.probes, locale)) }
      : undefined,
    holdNote === undefined ? undefined : { label: labels.hold, value: holdNote },
  ];
  return rows.filter((row): row is MailRow => row !== undefined);
}

/** Detected at, resolved at, and the downtime — total once resolved, else so far with its "as of". */
function incidentTimeRows(incident: Incident, notification: Notification, context: DocumentContext, strings: Words): MailRow[] {
  const { locale } = context;
  const duration = formatDuration(downtimeSecondsOf(incident, notification.createdAt), locale);
  const rows: MailRow[] = [{ label: strings.labels.detectedAt, value: formatDateTime(incident.openedAt, locale) }];
  if (incident.resolvedAt !== undefined) {
    rows.push({ label: strings.labels.resolvedAt, value: formatDateTime(incident.resolvedAt, locale) });
    rows.push({ label: strings.labels.totalDowntime, value: duration });
  } else {
    rows.push({ label: strings.labels.downtime, value: `${duration} ${strings.asOf(formatDateTime(notification.createdAt, locale))}` });
  }
  return rows;
}

function describeHold(incident: Incident, reference: Date, context: DocumentContext, strings: Words): string | undefined {
  if (incident.hold !== undefined) return strings.holdNote(sanitizeHold(incident.hold), clockNear(incident.hold.since, reference, context.locale, strings));
  if (incident.wasHeldBy !== undefined && incident.wasHeldBy.length > 0) return strings.heldEarlier(incident.wasHeldBy);
  return undefined;
}

function sanitizeHold(hold: Hold): Hold {
  return { ...hold, name: toSingleLine(hold.name) };
}

/** "22:10" on the mail's own day, else with the date. */
function clockNear(at: Date, reference: Date, locale: Locale, strings: Words): string {
  return strings.clockOnDate(formatClock(at), isSameLocalDate(at, reference) ? undefined : formatDate(at, locale));
}

function groupRiders(notification: Notification, context: DocumentContext, strings: Words): RiderGroup[] {
  const groups = new Map<Hold['by'], RiderLine[]>([
    ['parent', []],
    ['vantage', []],
    ['maintenance', []],
  ]);
  for (const rider of notification.riders) groups.get(riderGroupOf(notification, rider))?.push(riderLine(rider, notification, context, strings));
  return [...groups].filter(([, riders]) => riders.length > 0).map(([by, riders]) => ({ title: strings.riderGroup[by], riders }));
}

/** Why the rider rides: the notification type says it for vantage and maintenance mail, else its hold does. */
function riderGroupOf(notification: Notification, rider: Incident): Hold['by'] {
  if (notification.type === 'maintenance_end') return 'maintenance';
  if (notification.type === 'vantage_down' || notification.type === 'vantage_up') return 'vantage';
  return rider.hold?.by ?? rider.wasHeldBy?.at(-1) ?? 'parent';
}

function riderLine(rider: Incident, notification: Notification, context: DocumentContext, strings: Words): RiderLine {
  const { locale } = context;
  const failure = failureOf(rider);
  const duration = formatDuration(downtimeSecondsOf(rider, notification.createdAt), locale);
  const note =
    rider.hold === undefined ? undefined : strings.holdNote(sanitizeHold(rider.hold), clockNear(rider.hold.since, notification.createdAt, locale, strings));
  return {
    check: toSingleLine(rider.check),
    system: systemNameOf(rider, context),
    severity: strings.severity[rider.severity],
    detectedAt: formatDateTime(rider.openedAt, locale),
    ...(rider.resolvedAt === undefined ? {} : { resolvedAt: formatDateTime(rider.resolvedAt, locale) }),
    duration,
    reason: `${strings.headline(failure.reason, failure.httpStatus)}${failure.reason === undefined ? '' : ` (${failure.reason})`}`,
    message: clipMessage(describeProbeMessage(rider.lastDetail, rider.lastMessage, locale)),
    ...(note === undefined ? {} : { note }),
  };
}

function linkRows(context: DocumentContext, strings: Words): MailRow[] {
  const rows: MailRow[] = [];
  const add = (label: string, url: string | undefined): void => {
    if (url === undefined || url.trim() === '') return;
    const value = toSingleLine(url);
    // Only web addresses become links; anything else (javascript:, data:) is shown as text.
    rows.push(/^https?:\/\//i.test(value) ? { label, value, href: value } : { label, value });
  };
  add(strings.labels.dashboard, context.links.dashboard);
  add(strings.labels.statusPage, context.links.statusPage);
  return rows;
}

function clipMessage(message: string): string {
  const line = toSingleLine(message);
  const characters = [...line];
  return characters.length <= MESSAGE_MAX_CHARS ? line : `${characters.slice(0, MESSAGE_MAX_CHARS - 1).join('')}…`;
}

// The status page at "/": the live snapshot as one server-rendered HTML page for the duty team
// (Vietnamese by default), readable on a phone and without colour. Pure (snapshot → string); no
// script, no external asset. The layout is here, every word comes from src/text. Everything taken
// from the snapshot is escaped here, because check messages quote what probed endpoints said.
import type { Locale } from '../config/alerting-config.ts';
import { FAILURE_REASONS, isOwnFault, PHASES, type FailureReason, type SyncObservation } from '../probes/probe.ts';
import { displaySystemName } from '../text/display-system-name.ts';
import { escapeHtml } from '../text/escape-html.ts';
import { formatDuration, secondsBetween } from '../text/format-duration.ts';
import { formatMilliseconds, formatNumber } from '../text/format-number.ts';
import { formatClock, formatDate, formatDateTime, isSameLocalDate } from '../text/format-time.ts';
import { wordsFor, type Words } from '../text/locale.ts';
import { describeProbeMessage } from '../text/probe-message.ts';
import { capitalize } from '../text/mail-refusal.ts';
import type { MailRefusalLine } from '../alerting/mail-refusals.ts';
import type { CheckStatus } from '../state/check-state.ts';
import type { Incident } from '../state/incident.ts';
import type { ReportSend } from '../state/report-send.ts';
import type { DutyLines } from '../state/roster.ts';
import { renderDeskSection, renderIncidentDesk, type DeskPageContext, type DeskPageView } from './desk-page.ts';
import type { CheckRecentAvailability, CheckSnapshot, ObjectiveSnapshot, StatusFigures, StatusSnapshot } from '../state/status-snapshot.ts';

/** Sync facts the page shows when a snapshot carries them (the snapshot does not yet; see status-snapshot.ts). */
export type StatusPageSync = Pick<SyncObservation, 'mode' | 'unit' | 'lag' | 'backlog' | 'mismatchCount' | 'comparedCount'>;

export type StatusPageCheck = CheckSnapshot & { readonly last?: { readonly sync?: StatusPageSync } };

/** What /api/status serves in process: the snapshot plus the open incidents; the page adds the figures. */
export type StatusPageSnapshot = Omit<StatusSnapshot, 'checks'> & {
  readonly checks: readonly StatusPageCheck[];
  readonly incidents?: readonly Incident[];
  readonly figures?: StatusFigures;
  /** Who is on duty as the page is made, and the focal points to call (state/roster.ts). */
  readonly duty?: DutyLines;
  /** Mail the mail server refused for good in the last day (alerting/mail-refusals.ts), newest first. */
  readonly mailRefusals?: readonly MailRefusalLine[];
  /** The store file found deleted or replaced while running (store/store-watch.ts). */
  readonly storeFile?: StoreFileNotice;
  /** The store refusing writes (checks/incident-book.ts): the picture is kept in memory meanwhile. */
  readonly storeWrites?: StoreWritesNotice;
};

/** As /api/status serves it: since when (ISO text), the store's words, changes waiting in memory. */
export interface StoreWritesNotice {
  readonly refusedSince: string;
  readonly error: string;
  readonly unsaved: number;
}

/** As /api/status serves it: times as ISO text. */
export interface StoreFileNotice {
  readonly cause: 'deleted' | 'replaced';
  readonly foundAt: string;
  readonly path: string;
  readonly rewritten: boolean;
  readonly movedAside?: string;
}

/** The default (Vietnamese) page's title. */
export const STATUS_PAGE_TITLE = wordsFor('vi').page.title;
export const STATUS_PAGE_REFRESH_SECONDS = 30;
/** Certificates with fewer days left are highlighted; the usual renewal lead time. */
export const CERTIFICATE_WARN_DAYS = 14;

const CHECK_STATUSES: readonly CheckStatus[] = ['ok', 'warning', 'critical', 'unknown'];
// Summary order: what needs attention first.
const SUMMARY_ORDER: readonly CheckStatus[] = ['critical', 'warning', 'unknown', 'ok'];
const COLUMN_ORDER = ['status', 'check', 'since', 'lastResult', 'latency', 'http', 'certificate', 'sync', 'last24h'] as const;
const NONE = '—';

/** What every part of one rendering needs: the locale, its words, and the page's own moment. */
interface Page {
  readonly locale: Locale;
  readonly words: Words;
  readonly now: Date | undefined;
  /** The last 24 hours by check name; undefined until the daemon has computed them. */
  readonly recent: ReadonlyMap<string, CheckRecentAvailability> | undefined;
  /** The duty desk's parts for this request; absent when the daemon has no desk. */
  readonly desk: { readonly view: DeskPageView; readonly context: DeskPageContext } | undefined;
  /** Checks flapping now (their open incident is a flapping episode), with when it began. */
  readonly flapping: ReadonlyMap<string, Date | undefined>;
}

function flappingChecks(incidents: readonly Incident[]): Map<string, Date | undefined> {
  const episodes = incidents.filter((incident) => incident.flapping !== undefined && incident.flapping.endedAt === undefined);
  return new Map(episodes.map((incident) => [incident.check, toDate(incident.flapping?.since)]));
}

/** The "chập chờn" badge beside a flapping check; nothing for a steady one. */
function flappingBadge(check: string, page: Page): string {
  if (!page.flapping.has(check)) return '';
  const since = page.flapping.get(check);
  const title = since === undefined ? '' : ` title="${text(page.words.flapping.badgeTitle(formatInstant(since, page)))}"`;
  return ` <span class="badge flapping"${title}>${text(page.words.flapping.badge)}</span>`;
}

function columnsOf(page: Page): string[] {
  return COLUMN_ORDER.map((column) => page.words.page.columns[column]);
}

/** Anything that came from outside, as HTML text. */
function text(value: unknown): string {
  return escapeHtml(String(value));
}

/** A status the page knows, so that an unexpected value can reach neither a class name nor a lookup. */
function knownStatus(status: unknown): CheckStatus {
  return typeof status === 'string' && (CHECK_STATUSES as readonly string[]).includes(status) ? (status as CheckStatus) : 'unknown';
}

function describeKind(kind: string, page: Page): string {
  const words = page.words.page.kind;
  return Object.hasOwn(words, kind) ? words[kind as CheckSnapshot['kind']] : kind;
}

function badge(status: unknown, page: Page): string {
  const known = knownStatus(status);
  return `<span class="badge s-${known}">${text(page.words.page.status[known])}</span>`;
}

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "22:10:05" on the page's own day, "22:10:05 ngày 28/05/2026" otherwise; Vietnam time. */
function formatInstant(value: Date | string | undefined, page: Page): string {
  const date = toDate(value);
  if (date === undefined) return NONE;
  const clock = formatClock(date, { seconds: true });
  return page.words.clockOnDate(clock, page.now !== undefined && isSameLocalDate(date, page.now) ? undefined : formatDate(date, page.locale));
}

function formatAge(value: Date | string | undefined, page: Page): string | undefined {
  const date = toDate(value);
  return date === undefined || page.now === undefined ? undefined : page.words.page.age(formatDuration(secondsBetween(date, page.now), page.locale));
}

function isFailureReason(reason: unknown): reason is FailureReason {
  return typeof reason === 'string' && (FAILURE_REASONS as readonly string[]).includes(reason);
}

/** The short words for a reason ("không truy cập được"), shared with the mails; an unknown reason shows as it is. */
function describeReason(reason: unknown, httpStatus: number | undefined, page: Page): string | undefined {
  if (reason === undefined || reason === null) return undefined;
  return isFailureReason(reason) ? page.words.headline(reason, httpStatus) : typeof reason === 'string' ? reason : JSON.stringify(reason);
}

function formatMs(seconds: unknown, page: Page): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? formatMilliseconds(seconds * 1000, page.locale) : NONE;
}

function formatPhases(phases: Readonly<Record<string, number>> | undefined, page: Page): string {
  if (phases === undefined) return '';
  return PHASES.filter((phase) => typeof phases[phase] === 'number')
    .map((phase) => `${page.words.phaseShort[phase]} ${formatMs(phases[phase], page)}`)
    .join(' · ');
}

function renderCertificate(last: StatusPageCheck['last'], page: Page): string {
  const words = page.words.page;
  const daysLeft = last?.certificateDaysLeft;
  if (typeof daysLeft !== 'number') return NONE;
  const expires = toDate(last?.certificateExpiresAt);
  const until = expires === undefined ? '' : `<span class="sub">${text(words.certificateExpires(formatDate(expires, page.locale)))}</span>`;
  const days = formatNumber(daysLeft, page.locale);
  if (daysLeft >= CERTIFICATE_WARN_DAYS) return `${text(words.certificateDaysLeft(days))}${until}`;
  const warning = daysLeft < 0 ? words.certificateExpired : words.certificateExpiringSoon(days);
  return `<strong class="cert-low">${text(warning)}</strong>${until}`;
}

function renderSync(sync: StatusPageSync | undefined, page: Page): string {
  if (sync === undefined) return NONE;
  const words = page.words.page;
  const count = (value: number): string => formatNumber(value, page.locale);
  const amount = (value: number): string => (sync.unit === 'seconds' ? formatDuration(value, page.locale) : words.syncItems(count(value)));
  const parts: string[] = [];
  if (typeof sync.lag === 'number') parts.push(words.syncLag(amount(sync.lag)));
  if (typeof sync.backlog === 'number') parts.push(words.syncBacklog(count(sync.backlog)));
  if (typeof sync.mismatchCount === 'number') {
    parts.push(words.syncMismatch(count(sync.mismatchCount), typeof sync.comparedCount === 'number' ? count(sync.comparedCount) : undefined));
  }
  return parts.length === 0 ? NONE : parts.map(text).join('<br>');
}

function renderLastResult(last: StatusPageCheck['last'], page: Page): string {
  const words = page.words.page;
  if (last === undefined) return `<span class="muted">${text(words.noResult)}</span>`;
  const headline = describeReason(last.reason, last.httpStatus, page);
  const lines = [
    headline === undefined ? '' : `<strong class="headline">${text(headline)}</strong>`,
    `<span class="message">${text(describeProbeMessage(last.detail, last.message, page.locale))}</span>`,
    last.addresses === undefined || last.addresses.length === 0 ? '' : `<span class="sub">${text(words.addresses(last.addresses.join(', ')))}</span>`,
    `<span class="sub">${text(words.at(formatInstant(last.at, page)))}</span>`,
  ];
  return lines.filter((line) => line !== '').join('');
}

const HOUR_STATES = ['up', 'down', 'excluded', 'not_observed'] as const;
type HourStateName = (typeof HOUR_STATES)[number];

/** Availability to 0.01 %, the locale's decimal mark: "99,95%". */
function formatAvailability(percent: number, page: Page): string {
  return `${formatNumber(percent, page.locale, 2)}%`;
}

/** A check's last 24 hours: the availability and one cell per hour, each titled with its hours and state in words. */
function renderRecent(name: string, page: Page): string {
  const words = page.words.page.recent;
  if (page.recent === undefined) return `<span class="muted">${text(words.notYet)}</span>`;
  const recent = page.recent.get(name);
  if (recent === undefined) return NONE;
  const figure =
    typeof recent.availabilityPercent === 'number'
      ? `<strong class="availability">${text(formatAvailability(recent.availabilityPercent, page))}</strong>`
      : `<span class="muted">${text(words.noneObserved)}</span>`;
  const cells = recent.hours.map((hour) => {
    const state: HourStateName = (HOUR_STATES as readonly string[]).includes(hour.state) ? hour.state : 'not_observed';
    const start = toDate(hour.start);
    const hours = start === undefined ? NONE : `${formatClock(start)}–${formatClock(new Date(start.getTime() + 3_600_000))} ${formatDate(start, page.locale)}`;
    const title = words.cell(hours, page.words.report.hourState[state]);
    return `<li class="h-${state}" title="${text(title)}"><span class="visually-hidden">${text(title)}</span></li>`;
  });
  return `${figure}<ol class="strip" aria-label="${text(words.stripLabel(name))}">${cells.join('')}</ol>`;
}

/** A target as written: 99.5 → "99,5%", 99 → "99%", 99.95 → "99,95%". */
function formatTarget(target: number, page: Page): string {
  const digits = [0, 1, 2, 3].find((count) => Number(target.toFixed(count)) === target) ?? 3;
  return `${formatNumber(target, page.locale, digits)}%`;
}

function describeObjective(objective: ObjectiveSnapshot['objective'], page: Page): string {
  const words = page.words.page.objectives;
  return objective.scope === 'system' ? words.system(displaySystemName(objective.name, page.locale, undefined)) : words.check(objective.name);
}

function renderObjectives(figures: StatusFigures | undefined, page: Page): string {
  const words = page.words.page.objectives;
  const heading = `<h2 id="objectives">${text(words.heading)}</h2>`;
  if (figures?.recent === undefined) return `${heading}<p class="empty">${text(words.notYet)}</p>`;
  const columns = words.columns;
  const head = [columns.objective, columns.target, columns.soFar, columns.verdict, columns.budget]
    .map((column) => `<th scope="col">${text(column)}</th>`)
    .join('');
  const rows = figures.recent.objectives.map((status) => {
    const budget = status.budgetRemainingSeconds;
    const cells = [
      `<th scope="row">${text(describeObjective(status.objective, page))}</th>`,
      `<td data-label="${text(columns.target)}">${text(words.target(formatTarget(status.objective.target, page), words.period[status.objective.period]))}</td>`,
      `<td data-label="${text(columns.soFar)}">${typeof status.availabilityPercent === 'number' ? text(formatAvailability(status.availabilityPercent, page)) : NONE}</td>`,
      `<td data-label="${text(columns.verdict)}" class="${status.met ? 'met' : 'not-met'}">${text(status.met ? words.met : words.notMet)}</td>`,
      `<td data-label="${text(columns.budget)}">${text(budget >= 0 ? words.budgetLeft(formatDuration(Math.floor(budget), page.locale)) : words.budgetOver(formatDuration(Math.ceil(-budget), page.locale)))}</td>`,
    ];
    return `<tr data-objective="${text(status.objective.name)}" data-scope="${text(status.objective.scope)}" data-met="${status.met}">${cells.join('')}</tr>`;
  });
  return `${heading}<table class="plain objectives"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The link to a report's HTML view; the query is built from the record, every part encoded. */
export function reportViewHref(send: Pick<ReportSend, 'report' | 'window'>): string {
  const from = toDate(send.window.from)?.toISOString() ?? '';
  const to = toDate(send.window.to)?.toISOString() ?? '';
  return `/report?${new URLSearchParams({ from, to, name: send.report }).toString()}`;
}

function renderReports(reports: readonly ReportSend[], page: Page): string {
  const words = page.words.page.reports;
  const heading = `<h2 id="reports">${text(words.heading)}</h2>`;
  if (reports.length === 0) return `${heading}<p class="empty">${text(words.none)}</p><p class="sub"><a href="/api/reports">/api/reports</a></p>`;
  const columns = words.columns;
  const head = [columns.report, columns.sentAt, columns.window, columns.recipients, columns.result]
    .map((column) => `<th scope="col">${text(column)}</th>`)
    .join('');
  const rows = reports.map((send) => {
    const accepted = toDate(send.acceptedAt);
    const missed = accepted === undefined ? toDate(send.deadlineMissedAt) : undefined;
    const result = accepted === undefined ? words.pending : words.accepted(formatInstant(accepted, page));
    const from = toDate(send.window.from);
    const to = toDate(send.window.to);
    const window = from === undefined || to === undefined ? NONE : `${formatDateTime(from, page.locale)} – ${formatDateTime(to, page.locale)}`;
    const cells = [
      `<th scope="row"><a href="${text(reportViewHref(send))}" title="${text(words.view)}">${text(send.report)}</a></th>`,
      `<td data-label="${text(columns.sentAt)}">${text(formatInstant(send.queuedAt, page))}${send.late ? ` <span class="late">(${text(words.late)})</span>` : ''}</td>`,
      `<td data-label="${text(columns.window)}">${text(window)}</td>`,
      `<td data-label="${text(columns.recipients)}" class="recipients">${text([...send.to, ...send.cc].join(', '))}</td>`,
      missed === undefined
        ? `<td data-label="${text(columns.result)}" class="${accepted === undefined ? 'pending' : 'accepted'}">${text(result)}</td>`
        : `<td data-label="${text(columns.result)}" class="deadline-missed">${text(result)}<br><strong>${text(words.deadlineMissed(formatInstant(missed, page)))}</strong></td>`,
    ];
    const flag = missed === undefined ? '' : ' class="deadline-missed" data-deadline-missed="true"';
    return `<tr data-report="${text(send.report)}" data-accepted="${accepted !== undefined}"${flag}>${cells.join('')}</tr>`;
  });
  return `${heading}<table class="plain reports"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="sub">${text(words.jsonData)}: <a href="/api/reports">/api/reports</a></p>`;
}

/** How far back a missed deadline still puts the red line at the top of the page. */
const DEADLINE_ALERT_MS = 24 * 3_600_000;

/**
 * The red line under the overall verdict while a report of the last day missed its deadline and
 * the mail server has still not accepted it; nothing otherwise. One line names every such report.
 */
/** One line per catalogue check: its status, last crawl and counts, linking to /catalogue for the rows. */
function renderCatalogue(lines: NonNullable<StatusFigures['catalogue']>, page: Page): string {
  if (lines.length === 0) return '';
  const words = page.words.catalogue.page;
  const head = Object.values(words.columns)
    .map((name) => `<th>${text(name)}</th>`)
    .join('');
  const rows = lines.map((line) => {
    const crawl =
      line.lastCrawlAt === undefined
        ? NONE
        : `${formatDateTime(line.lastCrawlAt, page.locale)}: ${words.outcome[line.outcome ?? 'complete']}${line.reason === undefined ? '' : ` (${line.reason})`}`;
    const cells = [
      line.check,
      words.status[line.status],
      crawl,
      line.items === undefined ? NONE : String(line.items),
      String(line.changes),
      String(line.mismatches),
    ];
    return `<tr>${cells.map((cell) => `<td>${text(cell)}</td>`).join('')}</tr>`;
  });
  return `<h2 id="catalogue">${text(words.title)}</h2><table class="plain"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="sub"><a href="/catalogue">${text(words.details)}</a> · <a href="/api/catalogue">/api/catalogue</a></p>`;
}

function renderDeadlineAlert(reports: readonly ReportSend[], page: Page): string {
  const now = page.now?.getTime();
  if (now === undefined) return '';
  const names = new Set<string>();
  for (const send of reports) {
    const missed = toDate(send.deadlineMissedAt)?.getTime();
    if (missed !== undefined && toDate(send.acceptedAt) === undefined && missed > now - DEADLINE_ALERT_MS) names.add(send.report);
  }
  if (names.size === 0) return '';
  return `<p class="deadline-alert" role="alert"><a href="#reports">${text(page.words.page.reports.deadlineAlert([...names].join(', ')))}</a></p>`;
}

function renderStoreFileAlert(notice: StoreFileNotice | undefined, page: Page): string {
  const foundAt = toDate(notice?.foundAt);
  if (notice === undefined || foundAt === undefined) return '';
  const words = page.words.storeFile;
  const at = formatDateTime(foundAt, page.locale);
  const parts = [
    notice.cause === 'deleted' ? words.deleted(notice.path, at) : words.replaced(notice.path, at),
    notice.rewritten ? words.rewritten : words.notRewritten,
    notice.movedAside === undefined ? undefined : words.movedAside(notice.movedAside),
  ].filter((part) => part !== undefined);
  return `<p class="deadline-alert store-alert" role="alert">${text(parts.join(' '))}</p>`;
}

function renderStoreWritesAlert(notice: StoreWritesNotice | undefined, page: Page): string {
  const since = toDate(notice?.refusedSince);
  if (notice === undefined || since === undefined) return '';
  const line = page.words.storeWrites.refused(formatDateTime(since, page.locale), notice.error, formatNumber(notice.unsaved, page.locale));
  return `<p class="deadline-alert store-alert" role="alert">${text(line)}</p>`;
}

function renderCheckRow(check: StatusPageCheck, page: Page): string {
  const last = check.last;
  const age = formatAge(check.since, page);
  const failures =
    check.consecutiveFailures > 0
      ? `<span class="sub">${text(page.words.page.consecutiveFailures(formatNumber(check.consecutiveFailures, page.locale)))}</span>`
      : '';
  const phases = formatPhases(last?.phases, page);
  const cells = [
    `${badge(check.status, page)}${flappingBadge(check.name, page)}${failures}`,
    `<strong class="name">${text(check.name)}</strong><span class="sub target">${text(`${describeKind(check.kind, page)} · ${check.target}`)}</span>`,
    `${text(formatInstant(check.since, page))}${age === undefined ? '' : `<span class="sub">${text(age)}</span>`}`,
    renderLastResult(last, page),
    last === undefined ? NONE : `${text(formatMs(last.durationSeconds, page))}${phases === '' ? '' : `<span class="sub">${text(phases)}</span>`}`,
    typeof last?.httpStatus === 'number' ? text(last.httpStatus) : NONE,
    renderCertificate(last, page),
    renderSync(last?.sync, page),
    renderRecent(check.name, page),
  ];
  const columns = columnsOf(page);
  // One wrapper per cell: on a phone the cell is a two-column grid of its label and this wrapper.
  // Cells with nothing to say are left out of the phone's cards.
  const tds = cells.map((cell, index) => `<td data-label="${text(columns[index])}"${cell === NONE ? ' class="none"' : ''}><div>${cell}</div></td>`).join('');
  return `<tr class="check s-${knownStatus(check.status)}-row" data-check="${text(check.name)}" data-status="${knownStatus(check.status)}">${tds}</tr>`;
}

/** Systems in the order they first appear in the config, each with its checks in config order. */
export function groupChecksBySystem(checks: readonly StatusPageCheck[]): { system: string; checks: StatusPageCheck[] }[] {
  const groups = new Map<string, StatusPageCheck[]>();
  for (const check of checks) {
    const group = groups.get(check.system);
    if (group) group.push(check);
    else groups.set(check.system, [check]);
  }
  return [...groups].map(([system, members]) => ({ system, checks: members }));
}

function renderChecks(checks: readonly StatusPageCheck[], page: Page): string {
  if (checks.length === 0) return `<p class="empty">${text(page.words.page.noChecks)}</p>`;
  const columns = columnsOf(page);
  const head = `<thead><tr>${columns.map((column) => `<th scope="col">${text(column)}</th>`).join('')}</tr></thead>`;
  const bodies = groupChecksBySystem(checks).map(({ system, checks: members }) => {
    const name = displaySystemName(system, page.locale, undefined);
    const label = name === system ? '' : ` <span class="sub-inline">(${text(system)})</span>`;
    const caption = `<tr class="system"><th colspan="${columns.length}" scope="rowgroup">${text(name)}${label}</th></tr>`;
    return `<tbody data-system="${text(system)}">${caption}${members.map((check) => renderCheckRow(check, page)).join('')}</tbody>`;
  });
  return `<table class="checks">${head}${bodies.join('')}</table>`;
}

function renderSummary(summary: StatusSnapshot['summary'] | undefined, page: Page): string {
  const items = SUMMARY_ORDER.map((status) => {
    const count = summary?.[status] ?? 0;
    return `<li class="s-${status}${count > 0 ? ' nonzero' : ''}" data-status="${status}"><span class="count">${text(count)}</span> <span class="word">${text(page.words.page.status[status])}</span></li>`;
  });
  return `<ul class="summary" aria-label="${text(page.words.page.summaryLabel)}">${items.join('')}</ul>`;
}

function describeOverall(summary: StatusSnapshot['summary'] | undefined, page: Page): string {
  const critical = summary?.critical ?? 0;
  const warning = summary?.warning ?? 0;
  const unknown = summary?.unknown ?? 0;
  return page.words.page.overall({ critical, warning, unknown, total: critical + warning + unknown + (summary?.ok ?? 0) });
}

function severityRank(severity: string): number {
  return severity === 'critical' ? 0 : severity === 'warning' ? 1 : 2;
}

function renderIncident(incident: Incident, checksByName: ReadonlyMap<string, StatusPageCheck>, page: Page): string {
  const { words, locale, now } = page;
  const severity = incident.severity === 'critical' || incident.severity === 'warning' ? incident.severity : 'warning';
  const severityClass = severity === 'critical' ? 's-critical' : 's-warning';
  const system = displaySystemName(incident.system, locale, undefined);
  const openedAt = toDate(incident.openedAt);
  const duration = openedAt === undefined || now === undefined ? NONE : formatDuration(secondsBetween(openedAt, now), locale);
  const reason = describeReason(incident.lastReason, incident.last?.httpStatus, page);
  const labels = words.page.incident;
  const rows: [string, string][] = [
    [labels.detectedAt, text(formatInstant(incident.openedAt, page))],
    [labels.downtime, text(duration)],
    [
      labels.lastError,
      `${reason === undefined ? '' : `<strong>${text(reason)}</strong> — `}<span class="message">${text(describeProbeMessage(incident.lastDetail, incident.lastMessage, locale))}</span>`,
    ],
    [labels.failedProbes, text(words.probeCount(formatNumber(incident.failedProbes, locale), formatNumber(incident.probes, locale)))],
  ];
  // The monitor's own fault: said plainly, so nobody reads it as the system's outage.
  if (isFailureReason(incident.lastReason) && isOwnFault(incident.lastReason))
    rows.push([labels.note, `<strong class="own-fault">${text(words.page.ownFault)}</strong>`]);
  if (incident.hold !== undefined) {
    const note = words.holdNote(incident.hold, formatInstant(incident.hold.since, page));
    rows.push([words.labels.hold, `<strong class="held">${text(note.charAt(0).toUpperCase() + note.slice(1))}</strong>`]);
  }
  const target = checksByName.get(incident.check)?.target;
  const desk =
    page.desk === undefined
      ? ''
      : renderIncidentDesk(
          page.desk.view.incidents.find((item) => item.incident.id === incident.id),
          page.desk.view,
          page.desk.context,
        );
  return [
    `<li class="incident" id="incident-${text(incident.id)}" data-incident="${text(incident.id)}" data-check="${text(incident.check)}">`,
    `<h3><span class="badge ${severityClass}">${text(words.severity[severity])}</span>${flappingBadge(incident.check, page)} <span class="name">${text(incident.check)}</span>`,
    ` <span class="sub-inline">${text(system)}${target === undefined ? '' : ` · ${target}`}</span></h3>`,
    `<dl>${rows.map(([label, value]) => `<dt>${text(label)}</dt><dd>${value}</dd>`).join('')}</dl>`,
    desk,
    '</li>',
  ].join('');
}

function renderIncidents(incidents: readonly Incident[], checks: readonly StatusPageCheck[], page: Page): string {
  const heading = `<h2 id="incidents">${text(page.words.page.incidentsHeading(formatNumber(incidents.length, page.locale)))}</h2>`;
  if (incidents.length === 0) return `${heading}<p class="empty">${text(page.words.page.noIncidents)}</p>`;
  const checksByName = new Map(checks.map((check) => [check.name, check]));
  // Critical first, then the oldest: the longest outage is the one to read first.
  const sorted = [...incidents].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || (toDate(a.openedAt)?.getTime() ?? 0) - (toDate(b.openedAt)?.getTime() ?? 0),
  );
  return `${heading}<ul class="incidents">${sorted.map((incident) => renderIncident(incident, checksByName, page)).join('')}</ul>`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:16px;background:#f3f4f6;color:#111827;font:14px/1.45 system-ui,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
main{max-width:1320px;margin:0 auto}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:17px;margin:24px 0 8px}
h3{font-size:15px;margin:0 0 6px}
.meta{margin:0 0 12px;color:#374151}
.overall{font-size:16px;font-weight:600;margin:0 0 12px}
.duty{margin:0 0 12px}
.summary{display:flex;flex-wrap:wrap;gap:8px;list-style:none;margin:0 0 16px;padding:0}
.summary li{flex:1 1 130px;background:#fff;border:1px solid #d1d5db;border-left-width:8px;border-radius:6px;padding:8px 12px}
.summary .count{font-size:24px;font-weight:700}
.summary li.s-ok{border-left-color:#15803d}.summary li.s-warning{border-left-color:#b45309}
.summary li.s-critical{border-left-color:#b91c1c}.summary li.s-unknown{border-left-color:#6b7280}
.summary li.s-critical.nonzero{background:#fef2f2}.summary li.s-warning.nonzero{background:#fffbeb}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;border:1px solid transparent;color:#fff;font-weight:700;white-space:nowrap}
.badge.flapping{background:#7c3aed}.badge.s-ok{background:#15803d}.badge.s-warning{background:#b45309}.badge.s-critical{background:#b91c1c}.badge.s-unknown{background:#4b5563}
table.checks{width:100%;border-collapse:collapse;background:#fff;border:1px solid #d1d5db}
.checks th,.checks td{padding:6px 10px;border-top:1px solid #e5e7eb;text-align:left;vertical-align:top}
.checks thead th{background:#f9fafb;font-size:13px;color:#374151;white-space:nowrap}
.checks tr.system th{background:#e5e7eb;font-size:15px}
.checks tr.s-critical-row{background:#fef2f2}.checks tr.s-warning-row{background:#fffbeb}
.sub{display:block;color:#4b5563;font-size:12px}
.sub-inline{color:#4b5563;font-size:13px;font-weight:400}
.target{font-family:"DejaVu Sans Mono",ui-monospace,monospace;overflow-wrap:anywhere}
.message{overflow-wrap:anywhere}
.muted,.empty{color:#6b7280}
.headline{display:block}
.cert-low{color:#b91c1c;text-decoration:underline}
.incidents{list-style:none;margin:0;padding:0}
.incident{background:#fff;border:1px solid #d1d5db;border-radius:6px;padding:10px 12px;margin:0 0 10px}
.incident dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
.incident dt{color:#374151}.incident dd{margin:0}
.held{color:#1d4ed8}
.own-fault{color:#6b21a8}
.deadline-alert{margin:0 0 12px;padding:8px 12px;background:#fef2f2;border:1px solid #b91c1c;border-left-width:8px;border-radius:6px;font-weight:700}
.deadline-alert a,.reports .deadline-missed{color:#b91c1c}
.strip{display:flex;gap:1px;list-style:none;margin:4px 0 0;padding:0}
.strip li{flex:1 1 0;min-width:4px;max-width:10px;height:14px;border-radius:1px}
.strip .h-up{background:#15803d}.strip .h-down{background:#b91c1c}
.strip .h-excluded{background:repeating-linear-gradient(45deg,#93c5fd 0 2px,#fff 2px 4px);border:1px solid #60a5fa}
.strip .h-not_observed{background:#fff;border:1px solid #9ca3af}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table.plain{width:100%;border-collapse:collapse;background:#fff;border:1px solid #d1d5db}
.plain th,.plain td{padding:6px 10px;border-top:1px solid #e5e7eb;text-align:left;vertical-align:top}
.plain thead th{background:#f9fafb;font-size:13px;color:#374151}
.met,.accepted{color:#15803d;font-weight:600}.not-met,.pending{color:#b91c1c;font-weight:600}
.late{color:#b45309}
.recipients{overflow-wrap:anywhere}
footer{margin:24px 0 0;color:#6b7280;font-size:12px}
.account{float:right;margin:4px 0}
.account button{font:inherit;font-size:14px;padding:4px 8px}
.desk{margin:8px 0 0;border-top:1px dashed #d1d5db;padding-top:6px}
.desk h4{font-size:14px;margin:6px 0 4px}
.ack{margin:0 0 4px;font-weight:600}.ack.none-yet{color:#b45309}
.notes{margin:0;padding-left:20px}.note-head{margin:4px 0 2px;color:#374151}
.typed{overflow-wrap:anywhere;white-space:pre-wrap}
.desk-form{display:flex;flex-direction:column;gap:6px;max-width:520px;margin:8px 0;padding:8px;background:#f9fafb;border:1px solid #e5e7eb;border-radius:6px}
.desk-form label{display:flex;flex-direction:column;gap:2px;font-size:13px;color:#374151}
.desk-form label.check{flex-direction:row;align-items:center;gap:6px}
.desk-form input,.desk-form textarea,.desk-form select,.desk-form button{font:inherit;font-size:16px;padding:6px 8px;border:1px solid #9ca3af;border-radius:4px}
.desk-form button{align-self:flex-start;background:#1d4ed8;color:#fff;border-color:#1d4ed8;font-weight:600;min-height:40px}
.desk-more summary{cursor:pointer;color:#1d4ed8;margin:6px 0}
.desk-list{margin:0 0 8px;padding-left:20px}
@media (max-width:600px){
body{padding:8px}
.checks thead{display:none}
table.checks,.checks tbody,.checks tr,.checks td,.checks th{display:block;width:100%}
table.checks{border:0;background:none}
.checks tr.system th{border:0;border-radius:6px 6px 0 0;margin-top:12px}
.checks tr.check{background:#fff;border:1px solid #d1d5db;margin:0 0 8px;border-radius:6px}
.checks td{display:grid;grid-template-columns:34% 1fr;gap:8px;border-top:1px solid #f3f4f6}
.checks td.none{display:none}
.checks td::before{content:attr(data-label);color:#4b5563;font-weight:600}
.incident dl{grid-template-columns:1fr}
.plain thead{display:none}
table.plain,.plain tbody,.plain tr,.plain td,.plain th{display:block;width:100%}
.plain tr{border-top:1px solid #d1d5db}
.plain td{display:grid;grid-template-columns:34% 1fr;gap:8px;border-top:1px solid #f3f4f6}
.plain td::before{content:attr(data-label);color:#4b5563;font-weight:600}
}
@media print{body{background:#fff}.badge{color:#000;border-color:#000;background:none}}
`;

/** The whole page, Vietnamese unless told otherwise. Times are Vietnam wall-clock (UTC+7), whatever the machine's time zone. */
/** Sign in, or who is signed in and a logout button (a POST with the session's CSRF token). */
function renderAccount(page: Page): string {
  const view = page.desk?.view;
  if (view === undefined) return '';
  const words = page.words.login;
  if (view.signedIn !== undefined && view.csrfToken !== undefined) {
    return (
      `<form class="account" method="post" action="/logout"><input type="hidden" name="_csrf" value="${text(view.csrfToken)}">` +
      `<button type="submit">${text(words.logout(view.signedIn))}</button></form>`
    );
  }
  return view.anonymous ? `<p class="account"><a href="/login">${text(words.loginLink)}</a></p>` : '';
}

function renderDuty(duty: DutyLines | undefined, page: Page): string {
  if (duty === undefined) return '';
  const words = page.words.roster;
  const focal = duty.focalPoints.length === 0 ? '' : `<br>${text(words.focalPoints)}: ${duty.focalPoints.map(text).join(' · ')}`;
  return `<p class="duty" id="duty">${text(words.onDuty)}: <strong>${text(duty.onDuty)}</strong>${focal}</p>`;
}

export function renderStatusPage(snapshot: StatusPageSnapshot, locale: Locale = 'vi', desk?: DeskPageView): string {
  const now = toDate(snapshot.generatedAt);
  const recent = snapshot.figures?.recent;
  const localeWords = wordsFor(locale);
  const page: Page = {
    locale,
    words: localeWords,
    now,
    recent: recent === undefined ? undefined : new Map(recent.checks.map((check) => [check.name, check])),
    desk: desk === undefined ? undefined : { view: desk, context: { words: localeWords, locale, at: (date) => formatDateTime(date, locale) } },
    flapping: flappingChecks(snapshot.incidents ?? []),
  };
  const words = page.words.page;
  const checks = snapshot.checks;
  const generated = now === undefined ? NONE : formatDateTime(now, locale);
  const started = toDate(snapshot.startedAt);
  const meta = [
    snapshot.location === undefined ? undefined : `${text(page.words.labels.location)}: <strong>${text(snapshot.location)}</strong>`,
    `${text(words.updatedAt.before)} <strong>${text(generated)}</strong> ${text(words.updatedAt.after)}`,
    `<a href="#reports">${text(words.reports.heading)}</a>`,
  ].filter((part) => part !== undefined);
  const footer = [
    `dvc-sentinel ${text(snapshot.version)}`,
    started === undefined ? undefined : text(words.startedAt(formatDateTime(started, locale))),
    text(words.refresh(formatNumber(STATUS_PAGE_REFRESH_SECONDS, locale))),
    `${text(words.jsonData)}: <a href="/api/status">/api/status</a>`,
  ].filter((part) => part !== undefined);
  const aside = words.aside === undefined ? '' : `<p lang="${text(words.aside.lang)}">${text(words.aside.text)}</p>`;
  return [
    '<!DOCTYPE html>',
    `<html lang="${text(page.words.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Not for whoever gets the forms: a refresh would throw away a note half typed.
    page.desk?.view.canAct === true ? '' : `<meta http-equiv="refresh" content="${STATUS_PAGE_REFRESH_SECONDS}">`,
    `<title>${text(words.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    renderAccount(page),
    `<h1>${text(words.title)}</h1>`,
    `<p class="meta">${meta.join(' · ')}</p>`,
    `<p class="overall">${text(describeOverall(snapshot.summary, page))}</p>`,
    // People's names and phones are kept from anonymous viewers when access.hideNames says so.
    desk?.hideNames === true ? '' : renderDuty(snapshot.duty, page),
    renderDeadlineAlert(snapshot.figures?.reports ?? [], page),
    renderMailRefusalAlert(snapshot.mailRefusals ?? [], page),
    renderStoreFileAlert(snapshot.storeFile, page),
    renderStoreWritesAlert(snapshot.storeWrites, page),
    renderSummary(snapshot.summary, page),
    `<h2 id="checks">${text(words.checksHeading)}</h2>`,
    renderChecks(checks, page),
    renderIncidents(snapshot.incidents ?? [], checks, page),
    page.desk === undefined
      ? ''
      : renderDeskSection(
          page.desk.view,
          page.desk.context,
          new Set((snapshot.incidents ?? []).map((incident) => incident.id)),
          groupChecksBySystem(checks).map((group) => group.system),
        ),
    renderObjectives(snapshot.figures, page),
    renderReports(snapshot.figures?.reports ?? [], page),
    renderMailRefusals(snapshot.mailRefusals ?? [], page),
    renderCatalogue(snapshot.figures?.catalogue ?? [], page),
    `<footer><p>${footer.join(' · ')}</p>${aside}</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The red line at the top while mail is refused for good: one per kind, most serious first ("Máy chủ thư từ chối: sai mật khẩu"). */
function renderMailRefusalAlert(refusals: readonly MailRefusalLine[], page: Page): string {
  const kinds = (['auth', 'refused', 'gave_up', 'recipients'] as const).filter((kind) => refusals.some((line) => line.kind === kind));
  return kinds
    .map((kind) => {
      const count = refusals.filter((line) => line.kind === kind).length;
      const reason = capitalize(page.words.mailRefusals.reason[kind]);
      return `<p class="deadline-alert mail-refused" role="alert"><a href="#mail-refusals">${text(`${reason} (${formatNumber(count, page.locale)})`)}</a></p>`;
    })
    .join('');
}

/** The last day's refused mail: when, which mail, to whom, why, and the server's own words. Absent when there is none. */
function renderMailRefusals(refusals: readonly MailRefusalLine[], page: Page): string {
  if (refusals.length === 0) return '';
  const words = page.words.mailRefusals;
  const head = [words.columns.at, words.columns.subject, words.columns.recipients, words.columns.reason, words.columns.answer]
    .map((label) => `<th>${text(label)}</th>`)
    .join('');
  const rows = refusals.map(
    (line) =>
      `<tr><td>${text(formatDateTime(line.at, page.locale))}</td><td>${text(line.subject)}</td><td>${text(line.recipients.join(', '))}</td>` +
      `<td>${text(words.reason[line.kind])}<br><span class="sub">${text(words.remedy[line.kind])}</span></td><td><code>${text(line.answer)}</code></td></tr>`,
  );
  return `<h2 id="mail-refusals">${text(words.heading)}</h2><table class="plain mail-refusals"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A shallow check that a status() value is a snapshot, so a wrong value fails loudly instead of rendering nonsense. */
export function isStatusPageSnapshot(value: unknown): value is StatusPageSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof StatusPageSnapshot, unknown>>;
  return (
    Array.isArray(candidate.checks) &&
    typeof candidate.generatedAt === 'string' &&
    typeof candidate.summary === 'object' &&
    candidate.summary !== null &&
    (candidate.incidents === undefined || Array.isArray(candidate.incidents))
  );
}

// The report worded in its locale, as plain strings in the order of an administrative status report
// (operation; incidents; causes; what was done; proposals; maintenance; how the figures are
// computed). The text and HTML renderers lay the same view out, so both parts of the mail say the
// same thing; strings here are NOT escaped (the HTML renderer escapes every one).
import type { Locale } from '../config/alerting-config.ts';
import type { FailureReason } from '../probes/probe.ts';
import { displaySystemName } from '../text/display-system-name.ts';
import { formatDuration } from '../text/format-duration.ts';
import { formatMilliseconds, formatNumber } from '../text/format-number.ts';
import { formatClock, formatClockWords, formatDate, formatDateTime } from '../text/format-time.ts';
import { wordsFor } from '../text/locale.ts';
import type { CheckFigures, HourState, LatencyFigures, Report, ReportIncident, ReportObjective, SystemFigures } from './report-model.ts';

/** Below this many days a certificate's renewal is proposed. */
const CERTIFICATE_WARNING_DAYS = 30;

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface StripView {
  readonly system: string;
  readonly cells: readonly { readonly hour: string; readonly state: HourState; readonly title: string }[];
}

export interface ReportView {
  readonly lang: string;
  readonly unit?: string;
  readonly title: string;
  readonly subtitle: string;
  readonly late?: string;
  readonly verdict: string;
  readonly verdictKind: Report['verdict'];
  readonly sections: ReturnType<typeof wordsFor>['report']['sections'];
  readonly bySystem: string;
  readonly systems: Table;
  readonly byCheck: string;
  readonly checks: Table;
  readonly hoursHeading: string;
  readonly hoursLegend: string;
  readonly hourStates: Readonly<Record<HourState, string>>;
  readonly strips: readonly StripView[];
  /** Section 1's objectives; absent when the config sets none. */
  readonly objectives?: { readonly heading: string; readonly table: Table };
  /** Empty when there were none; `noIncidents` says so. */
  readonly incidents: Table;
  /** What the duty desk did: medians per system and a line per incident it wrote about; absent without desk records or incidents. */
  readonly handling?: { readonly heading: string; readonly table: Table; readonly notesHeading: string; readonly notes: readonly string[] };
  readonly noIncidents: string;
  readonly causes: readonly string[];
  readonly results: readonly string[];
  readonly proposals: readonly string[];
  readonly maintenance: readonly string[];
  readonly rules: readonly string[];
  readonly signer?: string;
  readonly generated: string;
  /** The catalogue review's tables, one per check with changes or mismatches; absent when none. */
  readonly catalogue?: { readonly heading: string; readonly tables: readonly { readonly check: string; readonly table: Table }[] };
}

export function viewReport(report: Report): ReportView {
  const locale = report.locale;
  const all = wordsFor(locale);
  const words = all.report;
  const columns = words.columns;
  const instant = (date: Date) => words.instant(formatClockWords(date, locale), formatDate(date, locale));
  const system = (label: string) => displaySystemName(label, locale, undefined);
  const reason = (value: FailureReason | undefined) => all.headline(value, undefined);

  const availabilityHeader = [columns.availability, columns.downtime, words.excluded, words.notObserved, columns.probes, columns.failures];
  const latencyHeader = [columns.latencyP50, columns.latencyP95, columns.latencyMax];
  const availabilityCells = (figures: CheckFigures | SystemFigures) => [
    percent(figures.availabilityPercent, locale),
    formatDuration(figures.downSeconds, locale),
    formatDuration(figures.excludedSeconds, locale),
    formatDuration(figures.notObservedSeconds, locale),
    formatNumber(figures.probes, locale),
    formatNumber(figures.failures, locale),
  ];

  const incidents = report.incidents;
  const name = (incident: ReportIncident) => incidentName(incident, locale);
  const causes = incidents.map((incident) => {
    if (incident.people !== undefined) return `${name(incident)}: ${incident.people.description}`;
    const cause = incident.cause === undefined ? all.cause({ reason: incident.reason }) : all.cause(incident.cause);
    return `${incident.check}: ${incident.ownFault ? words.ownFault : cause}`;
  });
  const results = incidents.map((incident) =>
    incident.endedAt === undefined ? words.stillDown(name(incident), instant(incident.startedAt)) : words.recovered(name(incident), instant(incident.endedAt)),
  );
  const ongoing = [...new Set(incidents.filter((incident) => incident.endedAt === undefined && !incident.ownFault).map(name))];
  const proposals = [
    ...ongoing.map((check) => words.followUp(check)),
    ...report.checks
      .filter((check) => check.tlsDaysLeft !== undefined && check.tlsDaysLeft < CERTIFICATE_WARNING_DAYS)
      .map((check) => words.renewCertificate(check.name, formatNumber(check.tlsDaysLeft!, locale))),
  ];

  return {
    lang: all.lang,
    unit: report.unit,
    title: words.title,
    subtitle: words.subtitle(instant(report.window.from), instant(report.window.to)),
    late: report.lateFor === undefined ? undefined : words.late(instant(report.lateFor)),
    verdict: words.verdict[report.verdict],
    verdictKind: report.verdict,
    sections: words.sections,
    bySystem: words.bySystem,
    systems: {
      header: [columns.system, ...availabilityHeader, ...latencyHeader],
      rows: report.systems.map((figures) => [system(figures.name), ...availabilityCells(figures), ...latencyCells(figures.latency, locale)]),
    },
    byCheck: words.byCheck,
    checks: {
      header: [
        columns.check,
        columns.system,
        ...availabilityHeader,
        words.failuresByReason,
        ...latencyHeader,
        columns.syncLag,
        columns.backlog,
        columns.tlsDaysLeft,
        all.flapping.reportColumn,
      ],
      rows: report.checks.map((check) => [
        check.name,
        system(check.system),
        ...availabilityCells(check),
        failuresByReason(check, locale),
        ...latencyCells(check.latency, locale),
        syncLag(check, locale),
        check.sync?.backlogMax === undefined ? '—' : formatNumber(check.sync.backlogMax, locale),
        check.tlsDaysLeft === undefined ? '—' : formatNumber(check.tlsDaysLeft, locale),
        formatNumber(check.flaps, locale),
      ]),
    },
    ...(report.objectives === undefined || report.objectives.length === 0
      ? {}
      : { objectives: { heading: words.objectives.heading, table: objectiveTable(report.objectives, locale, system) } }),
    hoursHeading: words.hours,
    hoursLegend: words.hoursLegend,
    hourStates: words.hourState,
    strips: report.hours.map((strip) => ({
      system: system(strip.system),
      cells: strip.hours.map((hour) => ({
        hour: formatClock(hour.start).slice(0, 2),
        state: hour.state,
        title: `${formatDateTime(hour.start, locale).slice(0, -3)}: ${words.hourState[hour.state]}`,
      })),
    })),
    incidents: {
      header: [columns.check, columns.system, columns.startedAt, columns.endedAt, columns.duration, columns.reason, columns.heldChecks, columns.notifications],
      rows: incidents.map((incident) => [
        name(incident),
        system(incident.system),
        formatDateTime(incident.startedAt, locale),
        incident.endedAt === undefined ? words.ongoing : formatDateTime(incident.endedAt, locale),
        formatDuration(incident.durationSeconds, locale),
        incident.people !== undefined
          ? all.desk.reportedByPeople
          : incident.ownFault
            ? `${reason(incident.reason)} (${words.ownFault})`
            : reason(incident.reason),
        incident.heldChecks.length === 0 ? '—' : incident.heldChecks.join(', '),
        formatNumber(incident.notificationsSent, locale),
      ]),
    },
    ...handlingView(report, locale, system),
    noIncidents: words.noIncidents,
    causes,
    results: results.length === 0 ? [words.noResults] : results,
    proposals: proposals.length === 0 ? [words.noProposals] : proposals,
    maintenance:
      report.maintenance.length === 0
        ? [words.noMaintenance]
        : report.maintenance.map(
            (span) =>
              `${span.name}: ${formatDateTime(span.from, locale)} – ${formatDateTime(span.to, locale)}${span.checks.length > 0 ? ` (${span.checks.join(', ')})` : ''}`,
          ),
    rules: words.rules,
    signer: report.signer,
    generated: words.generated(formatDateTime(report.generatedAt, locale)),
    ...catalogueView(report),
  };
}

/** What an incident is called in the report: its check, or for one a person reported, its title. */
export function incidentName(incident: ReportIncident, locale: Locale): string {
  return incident.people === undefined ? incident.check : `${incident.people.title} (${wordsFor(locale).desk.reportedByPeople})`;
}

/** Section 2's desk part: medians per system, then per incident who took it and what was written. */
function handlingView(report: Report, locale: Locale, system: (label: string) => string): Pick<ReportView, 'handling'> {
  if (report.handling === undefined || report.handling.length === 0) return {};
  const all = wordsFor(locale);
  const words = all.desk.report;
  const labels = all.desk.labels;
  const duration = (seconds: number | undefined) => (seconds === undefined ? '—' : formatDuration(seconds, locale));
  const notes = report.incidents.flatMap((incident) => {
    const parts = [
      ...(incident.acknowledgedBy === undefined ? [] : [words.acknowledgedBy(incident.acknowledgedBy, duration(incident.timeToAcknowledgeSeconds))]),
      ...(incident.handling?.cause === undefined ? [] : [`${labels.cause}: ${incident.handling.cause}`]),
      ...(incident.handling?.plan === undefined ? [] : [`${labels.plan}: ${incident.handling.plan}`]),
      ...(incident.handling?.expectedFixAt === undefined ? [] : [`${labels.expectedFixAt}: ${formatDateTime(incident.handling.expectedFixAt, locale)}`]),
      ...(incident.handling?.result === undefined ? [] : [`${labels.result}: ${incident.handling.result}`]),
    ];
    if (parts.length === 0) return [];
    if (incident.timeToResolveSeconds !== undefined) parts.push(words.resolvedAfter(duration(incident.timeToResolveSeconds)));
    return [`${incidentName(incident, locale)} (${system(incident.system)}): ${parts.join('; ')}`];
  });
  const columns = words.columns;
  return {
    handling: {
      heading: words.heading,
      table: {
        header: [columns.system, columns.incidents, columns.acknowledged, columns.medianAcknowledge, columns.resolved, columns.medianResolve],
        rows: report.handling.map((row) => [
          system(row.system),
          formatNumber(row.incidents, locale),
          formatNumber(row.acknowledged, locale),
          duration(row.medianAcknowledgeSeconds),
          formatNumber(row.resolved, locale),
          duration(row.medianResolveSeconds),
        ]),
      },
      notesHeading: words.notesHeading,
      notes,
    },
  };
}

/** One row per objective: what, target, period, availability so far, met or not, budget left or exceeded by; docx shares it. */
export function objectiveTable(objectives: readonly ReportObjective[], locale: Locale, system: (label: string) => string): Table {
  const words = wordsFor(locale).report.objectives;
  const columns = words.columns;
  return {
    header: [columns.objective, columns.target, columns.period, columns.soFar, columns.verdict, columns.budget],
    rows: objectives.map((objective) => {
      const budget = objective.budgetRemainingSeconds;
      return [
        objective.scope === 'system' ? words.system(system(objective.name)) : words.check(objective.name),
        words.target(`${formatNumber(objective.target, locale, targetDigits(objective.target))}%`, objective.period),
        words.span(formatDate(objective.bounds.from, locale), formatDate(new Date(objective.bounds.to.getTime() - 1), locale)),
        objective.unknown === true ? words.unknown : percent(objective.availabilityPercent, locale),
        objective.met ? words.met : words.notMet,
        // Rounded toward the smaller budget, so what is left is never overstated.
        budget >= 0 ? words.budgetLeft(formatDuration(Math.floor(budget), locale)) : words.budgetOver(formatDuration(Math.ceil(-budget), locale)),
      ];
    }),
  };
}

/** A target as written: 99.5 → "99,5", 99 → "99", 99.95 → "99,95". */
function targetDigits(target: number): number {
  return [0, 1, 2, 3].find((count) => Number(target.toFixed(count)) === target) ?? 3;
}

/** Two decimals: the report promises availability to 0.01 %. */
function percent(value: number | undefined, locale: Locale): string {
  return value === undefined ? '—' : `${formatNumber(value, locale, 2)}%`;
}

function latencyCells(latency: LatencyFigures, locale: Locale): string[] {
  return [latency.p50, latency.p95, latency.max].map((seconds) => (seconds === undefined ? '—' : formatMilliseconds(seconds * 1000, locale)));
}

function failuresByReason(check: CheckFigures, locale: Locale): string {
  const entries = Object.entries(check.failuresByReason).filter(([, count]) => (count ?? 0) > 0);
  return entries.length === 0 ? '—' : entries.map(([reason, count]) => `${reason} ${formatNumber(count ?? 0, locale)}`).join(', ');
}

function syncLag(check: CheckFigures, locale: Locale): string {
  const sync = check.sync;
  if (sync?.lagMax === undefined) return '—';
  const show = (value: number) => (sync.unit === 'items' ? formatNumber(value, locale) : formatDuration(value, locale));
  return sync.lagP95 === undefined ? show(sync.lagMax) : `${show(sync.lagMax)} (p95 ${show(sync.lagP95)})`;
}

function catalogueView(report: Report): Pick<ReportView, 'catalogue'> {
  if (report.catalogue === undefined || report.catalogue.length === 0) return {};
  const words = wordsFor(report.locale).catalogue;
  const header = [words.columns.code, words.columns.kind, words.columns.field, words.columns.old, words.columns.new];
  return {
    catalogue: {
      heading: words.page.title,
      tables: report.catalogue.map(({ check, rows }) => ({
        check,
        table: { header, rows: rows.map((row) => [row.code, words.kinds[row.kind], row.field, row.old, row.new]) },
      })),
    },
  };
}

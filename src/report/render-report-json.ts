// The report as JSON for scripts (`report --format json`). The names of window, checks, systems,
// incidents and objectives and of their figures are a contract (README, "Reports"): add, never rename. Times
// are ISO-8601 in UTC, durations and latencies in seconds; a figure nothing measured is null.
import type { CheckFigures, LatencyFigures, Report, ReportIncident, ReportObjective, SystemFigures } from './report-model.ts';

export function renderReportJson(report: Report): string {
  return `${JSON.stringify(reportToJson(report), null, 2)}\n`;
}

export function reportToJson(report: Report): Record<string, unknown> {
  return {
    name: report.name ?? null,
    unit: report.unit ?? null,
    signer: report.signer ?? null,
    locale: report.locale,
    generatedAt: report.generatedAt.toISOString(),
    lateFor: report.lateFor?.toISOString() ?? null,
    verdict: report.verdict,
    window: { from: report.window.from.toISOString(), to: report.window.to.toISOString() },
    checks: report.checks.map(checkToJson),
    systems: report.systems.map(systemToJson),
    incidents: report.incidents.map(incidentToJson),
    maintenance: report.maintenance.map((span) => ({ name: span.name, from: span.from.toISOString(), to: span.to.toISOString(), checks: span.checks })),
    hours: report.hours.map((strip) => ({ system: strip.system, hours: strip.hours.map((hour) => ({ start: hour.start.toISOString(), state: hour.state })) })),
    objectives: (report.objectives ?? []).map(objectiveToJson),
    handling: (report.handling ?? []).map((row) => ({
      system: row.system,
      incidents: row.incidents,
      acknowledged: row.acknowledged,
      medianAcknowledgeSeconds: row.medianAcknowledgeSeconds === undefined ? null : round(row.medianAcknowledgeSeconds, 3),
      resolved: row.resolved,
      medianResolveSeconds: row.medianResolveSeconds === undefined ? null : round(row.medianResolveSeconds, 3),
    })),
  };
}

function availabilityToJson(figures: CheckFigures | SystemFigures): Record<string, unknown> {
  return {
    // Four decimals keep the 0.01 % the report promises without float noise (99.93055555555556).
    availabilityPercent: figures.availabilityPercent === undefined ? null : round(figures.availabilityPercent, 4),
    downSeconds: round(figures.downSeconds, 3),
    observedSeconds: round(figures.observedSeconds, 3),
    excludedSeconds: round(figures.excludedSeconds, 3),
    notObservedSeconds: round(figures.notObservedSeconds, 3),
  };
}

function checkToJson(check: CheckFigures): Record<string, unknown> {
  return {
    name: check.name,
    system: check.system,
    kind: check.kind,
    ...availabilityToJson(check),
    probes: check.probes,
    failures: check.failures,
    failuresByReason: check.failuresByReason,
    latency: latencyToJson(check.latency),
    sync:
      check.sync === undefined
        ? null
        : { unit: check.sync.unit, lagMax: check.sync.lagMax ?? null, lagP95: check.sync.lagP95 ?? null, backlogMax: check.sync.backlogMax ?? null },
    tlsDaysLeft: check.tlsDaysLeft ?? null,
    flaps: check.flaps,
  };
}

function systemToJson(system: SystemFigures): Record<string, unknown> {
  return { name: system.name, ...availabilityToJson(system), probes: system.probes, failures: system.failures, latency: latencyToJson(system.latency) };
}

function incidentToJson(incident: ReportIncident): Record<string, unknown> {
  return {
    id: incident.id,
    check: incident.check,
    system: incident.system,
    severity: incident.severity,
    startedAt: incident.startedAt.toISOString(),
    endedAt: incident.endedAt?.toISOString() ?? null,
    durationSeconds: round(incident.durationSeconds, 3),
    reason: incident.reason ?? null,
    ownFault: incident.ownFault ?? false,
    heldChecks: incident.heldChecks,
    notificationsSent: incident.notificationsSent,
    acknowledgedBy: incident.acknowledgedBy ?? null,
    acknowledgedAt: incident.acknowledgedAt?.toISOString() ?? null,
    timeToAcknowledgeSeconds: incident.timeToAcknowledgeSeconds === undefined ? null : round(incident.timeToAcknowledgeSeconds, 3),
    timeToResolveSeconds: incident.timeToResolveSeconds === undefined ? null : round(incident.timeToResolveSeconds, 3),
    people:
      incident.people === undefined
        ? null
        : { title: incident.people.title, description: incident.people.description, reportedBy: incident.people.reportedBy || null },
    handling:
      incident.handling === undefined
        ? null
        : {
            cause: incident.handling.cause ?? null,
            plan: incident.handling.plan ?? null,
            expectedFixAt: incident.handling.expectedFixAt?.toISOString() ?? null,
            result: incident.handling.result ?? null,
          },
  };
}

function objectiveToJson(objective: ReportObjective): Record<string, unknown> {
  return {
    scope: objective.scope,
    name: objective.name,
    targetPercent: objective.target,
    period: objective.period,
    periodFrom: objective.bounds.from.toISOString(),
    periodTo: objective.bounds.to.toISOString(),
    availabilityPercent: objective.availabilityPercent === undefined ? null : round(objective.availabilityPercent, 4),
    downSeconds: round(objective.downSeconds, 3),
    met: objective.met,
    budgetRemainingSeconds: round(objective.budgetRemainingSeconds, 3),
    unknown: objective.unknown ?? false,
  };
}

function latencyToJson(latency: LatencyFigures): Record<string, number | null> {
  const seconds = (value: number | undefined) => (value === undefined ? null : round(value, 6));
  return { p50: seconds(latency.p50), p95: seconds(latency.p95), max: seconds(latency.max) };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

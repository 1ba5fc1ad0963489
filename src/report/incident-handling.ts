// What the duty desk did about the report's incidents: who took each and how fast, how long each
// took to resolve, the latest cause / plan / expected fix / result written about it, and per
// system the medians of both times. Pure; the records come through ReportSource.deskRecords.
import type { PeopleReport } from '../state/desk-records.ts';
import type { Incident } from '../state/incident.ts';
import type { IncidentDeskRecord, IncidentHandling, ReportIncident, SystemHandling } from './report-model.ts';

/** The report's incidents with what the desk recorded about them. */
export function withHandling(
  described: readonly ReportIncident[],
  incidents: readonly Incident[],
  records: ReadonlyMap<string, IncidentDeskRecord>,
): ReportIncident[] {
  const byId = new Map(incidents.map((incident) => [incident.id, incident]));
  return described.map((row) => {
    const incident = byId.get(row.id);
    if (incident === undefined) return row;
    const record = records.get(row.id);
    const acknowledgement = record?.acknowledgement;
    const handling = latestHandling(record);
    const since = (at: Date) => Math.max(0, (at.getTime() - incident.openedAt.getTime()) / 1000);
    return {
      ...row,
      ...(acknowledgement === undefined
        ? {}
        : { acknowledgedBy: acknowledgement.by, acknowledgedAt: acknowledgement.at, timeToAcknowledgeSeconds: since(acknowledgement.at) }),
      ...(incident.resolvedAt === undefined ? {} : { timeToResolveSeconds: since(incident.resolvedAt) }),
      ...(handling === undefined ? {} : { handling }),
    };
  });
}

/** Marks the incidents people reported: they show their title and who reported them, and nothing of a probe's failure. */
export function withPeople(
  described: readonly ReportIncident[],
  people: readonly { readonly incident: Incident; readonly report: PeopleReport }[],
): ReportIncident[] {
  if (people.length === 0) return [...described];
  const reports = new Map(people.map((row) => [row.incident.id, row.report]));
  return described.map((row) => {
    const report = reports.get(row.id);
    if (report === undefined) return row;
    const { cause: _none, reason: _noReason, ...rest } = row;
    return { ...rest, people: { title: report.title, description: report.description, reportedBy: report.reportedBy } };
  });
}

/** One row per system that had incidents, in the order given (then any other), with the medians of both times. */
export function systemHandling(incidents: readonly ReportIncident[], systems: readonly string[]): SystemHandling[] {
  const named = [...new Set([...systems, ...incidents.map((incident) => incident.system)])];
  return named.flatMap((system) => {
    const own = incidents.filter((incident) => incident.system === system && incident.ownFault !== true);
    if (own.length === 0) return [];
    const acknowledge = own.flatMap((incident) => (incident.timeToAcknowledgeSeconds === undefined ? [] : [incident.timeToAcknowledgeSeconds]));
    const resolve = own.flatMap((incident) => (incident.timeToResolveSeconds === undefined ? [] : [incident.timeToResolveSeconds]));
    const acknowledgeMedian = median(acknowledge);
    const resolveMedian = median(resolve);
    return [
      {
        system,
        incidents: own.length,
        acknowledged: acknowledge.length,
        ...(acknowledgeMedian === undefined ? {} : { medianAcknowledgeSeconds: acknowledgeMedian }),
        resolved: resolve.length,
        ...(resolveMedian === undefined ? {} : { medianResolveSeconds: resolveMedian }),
      },
    ];
  });
}

function latestHandling(record: IncidentDeskRecord | undefined): IncidentHandling | undefined {
  if (record === undefined) return undefined;
  const latest: { cause?: string; plan?: string; expectedFixAt?: Date; result?: string } = {};
  for (const note of record.notes) {
    if (note.cause !== undefined) latest.cause = note.cause;
    if (note.plan !== undefined) latest.plan = note.plan;
    if (note.expectedFixAt !== undefined) latest.expectedFixAt = note.expectedFixAt;
    if (note.result !== undefined) latest.result = note.result;
  }
  return Object.keys(latest).length === 0 ? undefined : latest;
}

/** The middle value, or the mean of the two middle ones. */
function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
